using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// Yogi's fused update, one pass over p, g, m, v (s below):
/// <c>m = (1−β₁)g + β₁m; v = v − (1−β₂)·sign(v − g²)·g²; p = p + (−lr)·(m/bc₁)/(√(v/bc₂ + ε_root) + ε)</c>.
/// </summary>
internal static class YogiKernel
{
    /// <summary>Per-step scalars (float32, as Optax computes them); Bc1 = 1 − β₁ᵗ, Bc2 = 1 − β₂ᵗ.</summary>
    internal readonly record struct Scalars(
        float OneMinusB1, float B1, float OneMinusB2, float EpsRoot, float Bc1, float Bc2, float Epsilon, float NegLearningRate);

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
            var g2 = gi * gi;
            var vi = s[i];
            vi = vi - ((c.OneMinusB2 * SimdMath.Sign(vi - g2)) * g2);
            m[i] = mi;
            s[i] = vi;
            p[i] = p[i] + (c.NegLearningRate * ((mi / c.Bc1) / (MathF.Sqrt((vi / c.Bc2) + c.EpsRoot) + c.Epsilon)));
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
        var er = TV.Create(c.EpsRoot);
        var bc1 = TV.Create(c.Bc1);
        var bc2 = TV.Create(c.Bc2);
        var eps = TV.Create(c.Epsilon);
        var nlr = TV.Create(c.NegLearningRate);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var gi = TV.Load(ref rg, (nuint)i);
            var mi = (c1 * gi) + (b1 * TV.Load(ref rm, (nuint)i));
            var g2 = gi * gi;
            var vi = TV.Load(ref rs, (nuint)i);
            vi = vi - ((c2 * SimdMath.Sign(vi - g2)) * g2);
            TV.Store(mi, ref rm, (nuint)i);
            TV.Store(vi, ref rs, (nuint)i);
            TV.Store(TV.Load(ref rp, (nuint)i) + (nlr * ((mi / bc1) / (TV.Sqrt((vi / bc2) + er) + eps))), ref rp, (nuint)i);
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
