using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// LAMB's update in two passes, because the trust ratio needs two norms of the whole tensor before any element
/// can move. Pass 1 (<see cref="MomentsReference"/>) updates m and v and accumulates ‖p‖² and ‖u‖² in double,
/// with <c>u = (m/bc₁)/(√(v/bc₂ + ε_root) + ε) + λp</c>; pass 2 (<see cref="ApplyReference"/>) recomputes the same
/// u from the new m, v (bit-identical, so no scratch buffer is needed) and applies <c>p = p + (−lr)·(u·r)</c>.
/// The vector pass 1 sums squares in float lanes over blocks of at most 1024 elements and adds each block to a
/// double, so its norms differ from the scalar reference's only in the last bits.
/// </summary>
internal static class LambKernel
{
    private const int BlockIterations = 16;

    /// <summary>Per-step scalars; <see cref="Ratio"/> is the trust ratio, set before pass 2.</summary>
    internal readonly record struct Scalars(
        float OneMinusB1, float B1, float OneMinusB2, float B2, float Bc1, float Bc2, float EpsRoot, float Epsilon,
        float WeightDecay, float NegLearningRate, float Ratio = 1f);

    /// <summary>Pass 1 on the path asked for; returns (‖p‖², ‖u‖²).</summary>
    public static (double ParamSq, double UpdateSq) Moments(
        KernelPath path, ReadOnlySpan<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Scalars c, Job? job)
    {
        if (job is not null && ElementwiseKernel.Splits(path, p.Length))
        {
            job.Scalars = c;
            job.ApplyPhase = false;
            job.ParamSq = 0;
            job.UpdateSq = 0;
            ParallelRange.For(p.Length, ElementwiseKernel.MinChunk, job);
            return (job.ParamSq, job.UpdateSq);
        }

        return ElementwiseKernel.UsesSimd(path) ? MomentsSimd(p, g, m, v, c) : MomentsReference(p, g, m, v, c);
    }

    /// <summary>Pass 2 on the path asked for.</summary>
    public static void Apply(KernelPath path, Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> v, in Scalars c, Job? job)
    {
        if (job is not null && ElementwiseKernel.Splits(path, p.Length))
        {
            job.Scalars = c;
            job.ApplyPhase = true;
            ParallelRange.For(p.Length, ElementwiseKernel.MinChunk, job);
        }
        else if (ElementwiseKernel.UsesSimd(path))
        {
            ApplySimd(p, m, v, c);
        }
        else
        {
            ApplyReference(p, m, v, c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float U(float m, float v, float p, in Scalars c) =>
        ((m / c.Bc1) / (MathF.Sqrt((v / c.Bc2) + c.EpsRoot) + c.Epsilon)) + (c.WeightDecay * p);

    public static (double ParamSq, double UpdateSq) MomentsReference(
        ReadOnlySpan<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Scalars c)
    {
        Check(p.Length, g.Length, m.Length, v.Length);
        double ps = 0, us = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            var mi = (c.OneMinusB1 * gi) + (c.B1 * m[i]);
            var vi = (c.OneMinusB2 * (gi * gi)) + (c.B2 * v[i]);
            m[i] = mi;
            v[i] = vi;
            var pi = p[i];
            var u = U(mi, vi, pi, c);
            ps += pi * pi;
            us += u * u;
        }

        return (ps, us);
    }

    public static void ApplyReference(Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> v, in Scalars c)
    {
        Check(p.Length, p.Length, m.Length, v.Length);
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i];
            p[i] = pi + (c.NegLearningRate * (U(m[i], v[i], pi, c) * c.Ratio));
        }
    }

    public static (double ParamSq, double UpdateSq) MomentsSimd(
        ReadOnlySpan<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in Scalars c)
    {
        Check(p.Length, g.Length, m.Length, v.Length);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        double ps = 0, us = 0;
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = MomentsLoop<Vec512>(ref rp, ref rg, ref rm, ref rv, i, p.Length, c, ref ps, ref us);
        }

        if (Vec256.IsSupported)
        {
            i = MomentsLoop<Vec256>(ref rp, ref rg, ref rm, ref rv, i, p.Length, c, ref ps, ref us);
        }

        if (Vec128.IsSupported)
        {
            i = MomentsLoop<Vec128>(ref rp, ref rg, ref rm, ref rv, i, p.Length, c, ref ps, ref us);
        }

        var (tp, tu) = MomentsReference(p[i..], g[i..], m[i..], v[i..], c);
        return (ps + tp, us + tu);
    }

    public static void ApplySimd(Span<float> p, ReadOnlySpan<float> m, ReadOnlySpan<float> v, in Scalars c)
    {
        Check(p.Length, p.Length, m.Length, v.Length);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = ApplyLoop<Vec512>(ref rp, ref rm, ref rv, i, p.Length, c);
        }

        if (Vec256.IsSupported)
        {
            i = ApplyLoop<Vec256>(ref rp, ref rm, ref rv, i, p.Length, c);
        }

        if (Vec128.IsSupported)
        {
            i = ApplyLoop<Vec128>(ref rp, ref rm, ref rv, i, p.Length, c);
        }

        ApplyReference(p[i..], m[i..], v[i..], c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV U<TV>(TV m, TV v, TV p, TV bc1, TV bc2, TV er, TV eps, TV wd)
        where TV : struct, IFloatVector<TV> =>
        ((m / bc1) / (TV.Sqrt((v / bc2) + er) + eps)) + (wd * p);

    private static int MomentsLoop<TV>(
        ref float rp, ref float rg, ref float rm, ref float rv, int i, int n, in Scalars c, ref double ps, ref double us)
        where TV : struct, IFloatVector<TV>
    {
        var c1 = TV.Create(c.OneMinusB1);
        var b1 = TV.Create(c.B1);
        var c2 = TV.Create(c.OneMinusB2);
        var b2 = TV.Create(c.B2);
        var bc1 = TV.Create(c.Bc1);
        var bc2 = TV.Create(c.Bc2);
        var er = TV.Create(c.EpsRoot);
        var eps = TV.Create(c.Epsilon);
        var wd = TV.Create(c.WeightDecay);
        while (i <= n - TV.Count)
        {
            var accP = TV.Create(0f);
            var accU = TV.Create(0f);
            for (var k = 0; k < BlockIterations && i <= n - TV.Count; k++, i += TV.Count)
            {
                var gi = TV.Load(ref rg, (nuint)i);
                var mi = (c1 * gi) + (b1 * TV.Load(ref rm, (nuint)i));
                var vi = (c2 * (gi * gi)) + (b2 * TV.Load(ref rv, (nuint)i));
                TV.Store(mi, ref rm, (nuint)i);
                TV.Store(vi, ref rv, (nuint)i);
                var pi = TV.Load(ref rp, (nuint)i);
                var u = U(mi, vi, pi, bc1, bc2, er, eps, wd);
                accP += pi * pi;
                accU += u * u;
            }

            ps += TV.SumToDouble(accP);
            us += TV.SumToDouble(accU);
        }

        return i;
    }

    private static int ApplyLoop<TV>(ref float rp, ref float rm, ref float rv, int i, int n, in Scalars c)
        where TV : struct, IFloatVector<TV>
    {
        var bc1 = TV.Create(c.Bc1);
        var bc2 = TV.Create(c.Bc2);
        var er = TV.Create(c.EpsRoot);
        var eps = TV.Create(c.Epsilon);
        var wd = TV.Create(c.WeightDecay);
        var nlr = TV.Create(c.NegLearningRate);
        var ratio = TV.Create(c.Ratio);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var pi = TV.Load(ref rp, (nuint)i);
            var u = U(TV.Load(ref rm, (nuint)i), TV.Load(ref rv, (nuint)i), pi, bc1, bc2, er, eps, wd);
            TV.Store(pi + (nlr * (u * ratio)), ref rp, (nuint)i);
        }

        return i;
    }

    private static void Check(int p, int g, int m, int v)
    {
        if (g != p || m != p || v != p)
        {
            throw new ArgumentException($"lengths differ: p {p}, g {g}, m {m}, v {v}");
        }
    }

    /// <summary>A reusable parallel job for both passes; pass-1 partial sums are combined under a lock.</summary>
    internal sealed class Job : IRangeJob
    {
        private readonly Lock gate = new();

        public Tensor P { get; set; } = null!;

        public Tensor G { get; set; } = null!;

        public Tensor M { get; set; } = null!;

        public Tensor V { get; set; } = null!;

        public Scalars Scalars { get; set; }

        public bool ApplyPhase { get; set; }

        public double ParamSq { get; set; }

        public double UpdateSq { get; set; }

        public void Execute(int start, int end)
        {
            var n = end - start;
            if (ApplyPhase)
            {
                ApplySimd(P.Span.Slice(start, n), M.Span.Slice(start, n), V.Span.Slice(start, n), Scalars);
                return;
            }

            var (a, b) = MomentsSimd(P.Span.Slice(start, n), G.Span.Slice(start, n), M.Span.Slice(start, n), V.Span.Slice(start, n), Scalars);
            lock (gate)
            {
                ParamSq += a;
                UpdateSq += b;
            }
        }
    }
}
