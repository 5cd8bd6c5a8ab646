using Descent.Nn;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>
/// LAMB and Adafactor, whose updates need whole-tensor reductions: the element-wise parts are bit-identical
/// between the paths; the vector reductions sum float lanes per block before adding to double, so the norms (and
/// what depends on them) agree with the scalar reference to ~1e-7 relative, checked at rtol 1e-6.
/// </summary>
public sealed class ReductionKernelParityTests
{
    private static readonly LambKernel.Scalars LambS = new(0.1f, 0.9f, 0.001f, 0.999f, 0.271f, 0.00299f, 0f, 1e-6f, 0.01f, -0.01f);

    public static TheoryData<int> AllLengths() => [.. KernelTestData.Lengths()];

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void LambMomentsAndApply(int n)
    {
        var specials = n % 2 == 0;
        var (p1, g, m1, v1) = (KernelTestData.Values(n, 1, specials), KernelTestData.Values(n, 2, specials), KernelTestData.Values(n, 3, specials), KernelTestData.Values(n, 4, specials, positive: true));
        var (p2, m2, v2) = ((float[])p1.Clone(), (float[])m1.Clone(), (float[])v1.Clone());
        var (ps1, us1) = LambKernel.MomentsReference(p1, g, m1, v1, LambS);
        var (ps2, us2) = LambKernel.MomentsSimd(p2, g, m2, v2, LambS);
        KernelTestData.AssertSame(m1, m2, "m");
        KernelTestData.AssertSame(v1, v2, "v");
        AssertCloseOrNaN(ps1, ps2, "‖p‖²");
        AssertCloseOrNaN(us1, us2, "‖u‖²");
        var c = LambS with { Ratio = Lamb.TrustRatio(ps1, us1) };
        LambKernel.ApplyReference(p1, m1, v1, c);
        LambKernel.ApplySimd(p2, m2, v2, c);
        KernelTestData.AssertSame(p1, p2, "p");
    }

    [Theory]
    [InlineData(ElementwiseKernel.SplitThreshold + 1)]
    [InlineData(ElementwiseKernel.SplitThreshold + 37)]
    [InlineData((3 * ElementwiseKernel.MinChunk) + 65)]
    public void LambParallelSplit(int n)
    {
        var saved = ParallelRange.MaxWorkers;
        ParallelRange.MaxWorkers = Math.Max(2, saved);
        try
        {
            var p = Tensor.FromArray(KernelTestData.Values(n, 1, false), n);
            var g = Tensor.FromArray(KernelTestData.Values(n, 2, false), n);
            var m = Tensor.FromArray(KernelTestData.Values(n, 3, false), n);
            var v = Tensor.FromArray(KernelTestData.Values(n, 4, false, positive: true), n);
            var (pr, mr, vr) = (p.ToArray(), m.ToArray(), v.ToArray());
            var (psr, usr) = LambKernel.MomentsReference(pr, g.Span, mr, vr, LambS);
            var job = new LambKernel.Job { P = p, G = g, M = m, V = v };
            var (ps, us) = LambKernel.Moments(KernelPath.Auto, p.Span, g.Span, m.Span, v.Span, LambS, job);
            KernelTestData.AssertSame(mr, m.Span, "m");
            Assert.Equal(psr, ps, psr * 1e-6);
            Assert.Equal(usr, us, usr * 1e-6);
            var c = LambS with { Ratio = Lamb.TrustRatio(psr, usr) };
            LambKernel.ApplyReference(pr, mr, vr, c);
            LambKernel.Apply(KernelPath.Auto, p.Span, m.Span, v.Span, c, job);
            KernelTestData.AssertSame(pr, p.Span, "p");
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }
    }

    public static TheoryData<int[], bool, bool> AdafactorShapes() => new()
    {
        { [1], false, false },
        { [17], true, true },
        { [130], false, true },
        { [257], true, false },
        { [3, 11], false, false },
        { [11, 3], true, true },
        { [4, 4, 5], false, true },
        { [5, 4, 4], true, false },
        { [4, 5, 4], true, true },
        { [2, 3, 17, 9], false, false },
        { [9, 2, 33], true, true },
        { [7, 0], false, false },
    };

    [Theory]
    [MemberData(nameof(AdafactorShapes))]
    public void AdafactorPathsAgree(int[] shape, bool momentum, bool weightDecay)
    {
        var options = new AdafactorOptions
        {
            LearningRate = 0.05,
            MinDimSizeToFactor = 2,
            Momentum = momentum ? 0.9 : null,
            WeightDecayRate = weightDecay ? 0.01 : null,
        };
        var n = shape.Aggregate(1, (a, b) => a * b);
        var init = KernelTestData.Values(n, 21, specials: false);
        var pr = new Parameter(Tensor.FromArray(init, shape));
        var ps = new Parameter(Tensor.FromArray(init, shape));
        var reference = new Adafactor([pr], options) { KernelPath = KernelPath.Reference };
        var simd = new Adafactor([ps], options) { KernelPath = KernelPath.Simd };
        for (var step = 0; step < 4; step++)
        {
            var g = KernelTestData.Values(n, 100 + step, specials: false);
            pr.Grad = Tensor.FromArray(g, shape);
            ps.Grad = Tensor.FromArray(g, shape);
            reference.Step();
            simd.Step();
            KernelTestData.AssertClose(pr.Span, ps.Span, 1e-6, 1e-7, $"step {step}");
        }
    }

    [Fact]
    public void AdafactorNonFiniteGradientsPropagateOnBothPaths()
    {
        foreach (var shape in new[] { new[] { 37 }, new[] { 6, 9 } })
        {
            var n = shape.Aggregate(1, (a, b) => a * b);
            var init = KernelTestData.Values(n, 3, specials: false);
            var g = KernelTestData.Values(n, 4, specials: true);
            var pr = new Parameter(Tensor.FromArray(init, shape));
            var ps = new Parameter(Tensor.FromArray(init, shape));
            var o = new AdafactorOptions { LearningRate = 0.1, MinDimSizeToFactor = 2 };
            new Adafactor([pr], o) { KernelPath = KernelPath.Reference }.Also(a => { pr.Grad = Tensor.FromArray(g, shape); a.Step(); });
            new Adafactor([ps], o) { KernelPath = KernelPath.Simd }.Also(a => { ps.Grad = Tensor.FromArray(g, shape); a.Step(); });
            KernelTestData.AssertSame(pr.Span, ps.Span, $"shape [{string.Join(",", shape)}]");
        }
    }

    private static void AssertCloseOrNaN(double expected, double actual, string what)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals(actual) || (double.IsNaN(expected) && double.IsNaN(actual)), $"{what}: {expected} vs {actual}");
            return;
        }

        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Abs(expected) + 1e-30, $"{what}: {expected:R} vs {actual:R}");
    }
}

/// <summary>Small fluent helper for tests.</summary>
internal static class AlsoExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
