using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// AdaBelief's fused update, one pass over p, g, m, s:
/// <c>m = (1−β₁)g + β₁m; e = g − m; s = (1−β₂)e² + β₂s + ε_root; p = p + (−lr)·(m/bc₁)/(√(s/bc₂) + ε)</c>.
/// </summary>
internal static class AdaBeliefKernel
{
    /// <summary>Per-step scalars (float32, as Optax computes them); Bc1 = 1 − β₁ᵗ, Bc2 = 1 − β₂ᵗ.</summary>
    internal readonly record struct Scalars(
        float OneMinusB1, float B1, float OneMinusB2, float B2, float EpsRoot, float Bc1, float Bc2, float Epsilon, float NegLearningRate);

    public static void Run(KernelPath path, Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> s, in Scalars c, Job? job)
    {
        if (job is not null && KernelPolicy.UseParallel(path, p.Length))
        {
            job.Scalars = c;
            ParallelRange.For(p.Length, KernelPolicy.MinChunk, job);
        }
        else if (KernelPolicy.UseSimd(path))
        {
            Simd(p, g, m, s, c);
        }
        else
        {
            Reference(p, g, m, s, c);
        }
    }

    public static void Reference(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> s, in Scalars c)
    {
        Check(p.Length, g.Length, m.Length, s.Length);
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            var mi = (c.OneMinusB1 * gi) + (c.B1 * m[i]);
            var e = gi - mi;
            var si = ((c.OneMinusB2 * (e * e)) + (c.B2 * s[i])) + c.EpsRoot;
            m[i] = mi;
            s[i] = si;
            p[i] = p[i] + (c.NegLearningRate * ((mi / c.Bc1) / (MathF.Sqrt(si / c.Bc2) + c.Epsilon)));
        }
    }

    public static void Simd(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> s, in Scalars c)
    {
        Check(p.Length, g.Length, m.Length, s.Length);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rs = ref MemoryMarshal.GetReference(s);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = Loop<Vec512>(ref rp, ref rg, ref rm, ref rs, i, p.Length, c);
        }

        if (Vec256.IsSupported)
        {
            i = Loop<Vec256>(ref rp, ref rg, ref rm, ref rs, i, p.Length, c);
        }

        if (Vec128.IsSupported)
        {
            i = Loop<Vec128>(ref rp, ref rg, ref rm, ref rs, i, p.Length, c);
        }

        Reference(p[i..], g[i..], m[i..], s[i..], c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Loop<TV>(ref float rp, ref float rg, ref float rm, ref float rs, int i, int n, in Scalars c)
        where TV : struct, IFloatVector<TV>
    {
        var c1 = TV.Create(c.OneMinusB1);
        var b1 = TV.Create(c.B1);
        var c2 = TV.Create(c.OneMinusB2);
        var b2 = TV.Create(c.B2);
        var er = TV.Create(c.EpsRoot);
        var bc1 = TV.Create(c.Bc1);
        var bc2 = TV.Create(c.Bc2);
        var eps = TV.Create(c.Epsilon);
        var nlr = TV.Create(c.NegLearningRate);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var gi = TV.Load(ref rg, (nuint)i);
            var mi = (c1 * gi) + (b1 * TV.Load(ref rm, (nuint)i));
            var e = gi - mi;
            var si = ((c2 * (e * e)) + (b2 * TV.Load(ref rs, (nuint)i))) + er;
            TV.Store(mi, ref rm, (nuint)i);
            TV.Store(si, ref rs, (nuint)i);
            TV.Store(TV.Load(ref rp, (nuint)i) + (nlr * ((mi / bc1) / (TV.Sqrt(si / bc2) + eps))), ref rp, (nuint)i);
        }

        return i;
    }

    private static void Check(int p, int g, int m, int s)
    {
        if (g != p || m != p || s != p)
        {
            throw new ArgumentException($"lengths differ: p {p}, g {g}, m {m}, s {s}");
        }
    }

    /// <summary>A reusable parallel job over tensors.</summary>
    internal sealed class Job : IRangeJob
    {
        public Tensor P { get; set; } = null!;

        public Tensor G { get; set; } = null!;

        public Tensor M { get; set; } = null!;

        public Tensor S { get; set; } = null!;

        public Scalars Scalars { get; set; }

        public void Execute(int start, int end)
        {
            var n = end - start;
            Simd(P.Span.Slice(start, n), G.Span.Slice(start, n), M.Span.Slice(start, n), S.Span.Slice(start, n), Scalars);
        }
    }
}
