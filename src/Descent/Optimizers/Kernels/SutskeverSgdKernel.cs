using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// SGD with momentum in the Sutskever / Keras / scikit-learn form (velocity starts at zero):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// v = (−lr)·g + μ·v
/// p = nesterov ? p + ((−lr)·g + μ·v) : p + v
/// </code>
/// The order of operations is Keras 3's (<c>m = −g·lr + m·μ</c>); no fused multiply-adds.
/// </summary>
internal static class SutskeverSgdKernel
{
    /// <summary>Per-step scalars.</summary>
    internal readonly record struct Scalars(float NegLearningRate, float Momentum, float WeightDecay, bool Nesterov, bool Maximize);

    public static void Run(KernelPath path, Span<float> p, ReadOnlySpan<float> g, Span<float> v, in Scalars s, Job? job)
    {
        if (job is not null && KernelPolicy.UseParallel(path, p.Length))
        {
            job.Scalars = s;
            ParallelRange.For(p.Length, KernelPolicy.MinChunk, job);
        }
        else if (KernelPolicy.UseSimd(path))
        {
            Simd(p, g, v, s);
        }
        else
        {
            Reference(p, g, v, s);
        }
    }

    public static void Reference(Span<float> p, ReadOnlySpan<float> g, Span<float> v, in Scalars s)
    {
        Check(p.Length, g.Length, v.Length);
        for (var i = 0; i < p.Length; i++)
        {
            var gi = s.Maximize ? -g[i] : g[i];
            var pi = p[i];
            if (s.WeightDecay != 0)
            {
                gi = gi + (s.WeightDecay * pi);
            }

            var vi = (s.NegLearningRate * gi) + (s.Momentum * v[i]);
            v[i] = vi;
            p[i] = s.Nesterov ? pi + ((s.NegLearningRate * gi) + (s.Momentum * vi)) : pi + vi;
        }
    }

    public static void Simd(Span<float> p, ReadOnlySpan<float> g, Span<float> v, in Scalars s)
    {
        Check(p.Length, g.Length, v.Length);
        ref var rp = ref MemoryMarshal.GetReference(p);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = Loop<Vec512>(ref rp, ref rg, ref rv, i, p.Length, s);
        }

        if (Vec256.IsSupported)
        {
            i = Loop<Vec256>(ref rp, ref rg, ref rv, i, p.Length, s);
        }

        if (Vec128.IsSupported)
        {
            i = Loop<Vec128>(ref rp, ref rg, ref rv, i, p.Length, s);
        }

        Reference(p[i..], g[i..], v[i..], s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Loop<TV>(ref float rp, ref float rg, ref float rv, int i, int n, in Scalars s)
        where TV : struct, IFloatVector<TV>
    {
        var nlr = TV.Create(s.NegLearningRate);
        var mu = TV.Create(s.Momentum);
        var wd = TV.Create(s.WeightDecay);
        var zero = TV.Create(0f);
        var decay = s.WeightDecay != 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var gi = TV.Load(ref rg, (nuint)i);
            if (s.Maximize)
            {
                gi = zero - gi;
            }

            var pi = TV.Load(ref rp, (nuint)i);
            if (decay)
            {
                gi = gi + (wd * pi);
            }

            var vi = (nlr * gi) + (mu * TV.Load(ref rv, (nuint)i));
            TV.Store(vi, ref rv, (nuint)i);
            TV.Store(s.Nesterov ? pi + ((nlr * gi) + (mu * vi)) : pi + vi, ref rp, (nuint)i);
        }

        return i;
    }

    private static void Check(int p, int g, int v)
    {
        if (g != p || v != p)
        {
            throw new ArgumentException($"lengths differ: p {p}, g {g}, v {v}");
        }
    }

    /// <summary>A reusable parallel job over tensors.</summary>
    internal sealed class Job : IRangeJob
    {
        public Tensor P { get; set; } = null!;

        public Tensor G { get; set; } = null!;

        public Tensor V { get; set; } = null!;

        public Scalars Scalars { get; set; }

        public void Execute(int start, int end)
        {
            var n = end - start;
            Simd(P.Span.Slice(start, n), G.Span.Slice(start, n), V.Span.Slice(start, n), Scalars);
        }
    }
}
