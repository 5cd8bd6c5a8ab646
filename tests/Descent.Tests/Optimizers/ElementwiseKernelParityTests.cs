using Descent.Numerics;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>
/// The vector paths of Lion, AdaBelief, Yogi and Schedule-Free AdamW against their scalar references: every
/// length 0–257 and around the thread-split boundary, in place, with NaN, ±Inf, ±0 and denormals. The element
/// functions perform the same IEEE operations in the same order, so the results are bit-identical.
/// </summary>
public sealed class ElementwiseKernelParityTests
{
    private static readonly LionKernel LionS = new(0.1f, 0.9f, 0.01f, 0.99f, 0.1f, -0.01f);
    private static readonly AdaBeliefKernel BeliefS = new(0.1f, 0.9f, 0.001f, 0.999f, 1e-16f, 0.271f, 0.00299f, 1e-16f, -0.01f);
    private static readonly YogiKernel YogiS = new(0.1f, 0.9f, 0.001f, 0f, 0.271f, 0.00299f, 1e-3f, -0.01f);
    private static readonly ScheduleFreeAdamWKernel SfS = new(0.001f, 0.999f, 0.00299f, 1e-8f, 0.01f, -0.01f, 0.25f, 0.75f, 0.1f, 0.9f);

    public static TheoryData<int> AllLengths() => [.. KernelTestData.Lengths()];

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void Lion(int n)
    {
        var (p1, g, m1) = (KernelTestData.Values(n, 1), KernelTestData.Values(n, 2), KernelTestData.Values(n, 3));
        var (p2, m2) = ((float[])p1.Clone(), (float[])m1.Clone());
        ElementwiseKernel.Reference(LionS, p1, g, m1);
        ElementwiseKernel.Simd(LionS, p2, g, m2);
        KernelTestData.AssertSame(p1, p2, "p");
        KernelTestData.AssertSame(m1, m2, "m");
    }

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void AdaBelief(int n)
    {
        var (p1, g, m1, s1) = (KernelTestData.Values(n, 1), KernelTestData.Values(n, 2), KernelTestData.Values(n, 3), KernelTestData.Values(n, 4, positive: true));
        var (p2, m2, s2) = ((float[])p1.Clone(), (float[])m1.Clone(), (float[])s1.Clone());
        ElementwiseKernel.Reference(BeliefS, p1, g, m1, s1);
        ElementwiseKernel.Simd(BeliefS, p2, g, m2, s2);
        KernelTestData.AssertSame(p1, p2, "p");
        KernelTestData.AssertSame(m1, m2, "m");
        KernelTestData.AssertSame(s1, s2, "s");
    }

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void Yogi(int n)
    {
        var (p1, g, m1, v1) = (KernelTestData.Values(n, 1), KernelTestData.Values(n, 2), KernelTestData.Values(n, 3), KernelTestData.Values(n, 4, positive: true));
        var (p2, m2, v2) = ((float[])p1.Clone(), (float[])m1.Clone(), (float[])v1.Clone());
        ElementwiseKernel.Reference(YogiS, p1, g, m1, v1);
        ElementwiseKernel.Simd(YogiS, p2, g, m2, v2);
        KernelTestData.AssertSame(p1, p2, "p");
        KernelTestData.AssertSame(m1, m2, "m");
        KernelTestData.AssertSame(v1, v2, "v");
    }

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void ScheduleFreeAdamW(int n)
    {
        var (y1, g, z1, v1) = (KernelTestData.Values(n, 1), KernelTestData.Values(n, 2), KernelTestData.Values(n, 3), KernelTestData.Values(n, 4, positive: true));
        var (y2, z2, v2) = ((float[])y1.Clone(), (float[])z1.Clone(), (float[])v1.Clone());
        ElementwiseKernel.Reference(SfS, y1, g, z1, v1);
        ElementwiseKernel.Simd(SfS, y2, g, z2, v2);
        KernelTestData.AssertSame(y1, y2, "y");
        KernelTestData.AssertSame(z1, z2, "z");
        KernelTestData.AssertSame(v1, v2, "v");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(255)]
    public void GradientAliasingTheParameterGivesTheSameResultOnBothPaths(int n)
    {
        // g and p share storage: each element reads everything before it writes, on both paths.
        var p1 = KernelTestData.Values(n, 5);
        var p2 = (float[])p1.Clone();
        var (m1, s1) = (KernelTestData.Values(n, 6), KernelTestData.Values(n, 7, positive: true));
        var (m2, s2) = ((float[])m1.Clone(), (float[])s1.Clone());
        ElementwiseKernel.Reference(BeliefS, p1, p1, m1, s1);
        ElementwiseKernel.Simd(BeliefS, p2, p2, m2, s2);
        KernelTestData.AssertSame(p1, p2, "p");
        KernelTestData.AssertSame(s1, s2, "s");
    }

    [Theory]
    [InlineData(ElementwiseKernel.SplitThreshold - 1)]
    [InlineData(ElementwiseKernel.SplitThreshold)]
    [InlineData(ElementwiseKernel.SplitThreshold + 1)]
    [InlineData(ElementwiseKernel.SplitThreshold + 37)]
    [InlineData((3 * ElementwiseKernel.MinChunk) + 65)]
    public void ParallelSplitEqualsReference(int n)
    {
        var saved = ParallelRange.MaxWorkers;
        ParallelRange.MaxWorkers = Math.Max(2, saved);
        try
        {
            var p = Tensor.FromArray(KernelTestData.Values(n, 11), n);
            var g = Tensor.FromArray(KernelTestData.Values(n, 12), n);
            var m = Tensor.FromArray(KernelTestData.Values(n, 13), n);
            var pr = p.ToArray();
            var mr = m.ToArray();
            ElementwiseKernel.Reference(LionS, pr, g.Span, mr);
            new ElementwiseJob<LionKernel>().Run(LionS, KernelPath.Auto, p, g, m);
            KernelTestData.AssertSame(pr, p.Span, "p");
            KernelTestData.AssertSame(mr, m.Span, "m");

            var z = Tensor.FromArray(KernelTestData.Values(n, 14), n);
            var v = Tensor.FromArray(KernelTestData.Values(n, 15, positive: true), n);
            var (yr, zr, vr) = (p.ToArray(), z.ToArray(), v.ToArray());
            ElementwiseKernel.Reference(SfS, yr, g.Span, zr, vr);
            new ElementwiseJob<ScheduleFreeAdamWKernel>().Run(SfS, KernelPath.Auto, p, g, z, v);
            KernelTestData.AssertSame(yr, p.Span, "y");
            KernelTestData.AssertSame(zr, z.Span, "z");
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }
    }
}
