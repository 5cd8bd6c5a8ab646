using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// Lion's fused update, one pass over p, g, m:
/// <c>u = sign((1−β₁)g + β₁m); m = (1−β₂)g + β₂m; p = p + (−lr)(u + λp)</c>.
/// </summary>
internal static class LionKernel
{
    /// <summary>Per-step scalars, hoisted out of the element loop (float32, as Optax computes them).</summary>
    internal readonly record struct Scalars(float OneMinusB1, float B1, float OneMinusB2, float B2, float WeightDecay, float NegLearningRate);

    /// <summary>Runs the update on the path asked for.</summary>
    public static void Run(KernelPath path, Span<float> p, ReadOnlySpan<float> g, Span<float> m, in Scalars s, Job? job)
    {
        if (job is not null && KernelPolicy.UseParallel(path, p.Length))
        {
            job.Scalars = s;
            ParallelRange.For(p.Length, KernelPolicy.MinChunk, job);
        }
        else if (KernelPolicy.UseSimd(path))
        {
            Simd(p, g, m, s);
        }
        else
        {
            Reference(p, g, m, s);
        }
    }

    /// <summary>The scalar reference loop.</summary>
    public static void Reference(Span<float> p, ReadOnlySpan<float> g, Span<float> m, in Scalars s)
    {
        CheckLengths(p.Length, g.Length, m.Length);
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            var mi = m[i];
            var u = SimdMath.Sign((s.OneMinusB1 * gi) + (s.B1 * mi));
            m[i] = (s.OneMinusB2 * gi) + (s.B2 * mi);
            var pi = p[i];
            p[i] = pi + (s.NegLearningRate * (u + (s.WeightDecay * pi)));
        }
    }

    /// <summary>The vectorized loop (widest available vectors, then narrower ones, then the scalar tail).</summary>
    public static void Simd(Span<float> p, ReadOnlySpan<float> g, Span<float> m, in Scalars s)
    {
        CheckLengths(p.Length, g.Length, m.Length);
        var n = p.Length;
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rm = ref MemoryMarshal.GetReference(m);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = Loop<Vec512>(ref rp, ref rg, ref rm, i, n, s);
        }

        if (Vec256.IsSupported)
        {
            i = Loop<Vec256>(ref rp, ref rg, ref rm, i, n, s);
        }

        if (Vec128.IsSupported)
        {
            i = Loop<Vec128>(ref rp, ref rg, ref rm, i, n, s);
        }

        Reference(p[i..], g[i..], m[i..], s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Loop<TV>(ref float rp, ref float rg, ref float rm, int i, int n, in Scalars s)
        where TV : struct, IFloatVector<TV>
    {
        var c1 = TV.Create(s.OneMinusB1);
        var b1 = TV.Create(s.B1);
        var c2 = TV.Create(s.OneMinusB2);
        var b2 = TV.Create(s.B2);
        var wd = TV.Create(s.WeightDecay);
        var nlr = TV.Create(s.NegLearningRate);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var gi = TV.Load(ref rg, (nuint)i);
            var mi = TV.Load(ref rm, (nuint)i);
            var pi = TV.Load(ref rp, (nuint)i);
            var u = SimdMath.Sign((c1 * gi) + (b1 * mi));
            TV.Store((c2 * gi) + (b2 * mi), ref rm, (nuint)i);
            TV.Store(pi + (nlr * (u + (wd * pi))), ref rp, (nuint)i);
        }

        return i;
    }

    private static void CheckLengths(int p, int g, int m)
    {
        if (g != p || m != p)
        {
            throw new ArgumentException($"lengths differ: p {p}, g {g}, m {m}");
        }
    }

    /// <summary>A reusable parallel job over tensors (no allocation per step).</summary>
    internal sealed class Job : IRangeJob
    {
        public Tensor P { get; set; } = null!;

        public Tensor G { get; set; } = null!;

        public Tensor M { get; set; } = null!;

        public Scalars Scalars { get; set; }

        public void Execute(int start, int end)
        {
            var len = end - start;
            Simd(P.Span.Slice(start, len), G.Span.Slice(start, len), M.Span.Slice(start, len), Scalars);
        }
    }
}
