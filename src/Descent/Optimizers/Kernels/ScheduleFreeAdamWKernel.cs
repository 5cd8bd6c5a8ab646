using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// Schedule-Free AdamW's fused update, one pass over y (the parameter), g, z and v:
/// <code>
/// v = (1−β₂)g² + β₂v;   u = (1/(√(v/bc₂) + ε))·g + λy;   z' = z + (−lr_base)·u
/// x = (1−c)·(y − (1−β₁)z)/β₁ + c·z';   y = y + ((β₁x + (1−β₁)z') − y)
/// </code>
/// </summary>
internal static class ScheduleFreeAdamWKernel
{
    /// <summary>Per-step scalars (float32); Ck is the averaging weight c_t.</summary>
    internal readonly record struct Scalars(
        float OneMinusB2, float B2, float Bc2, float Epsilon, float WeightDecay, float NegBaseLearningRate,
        float Ck, float OneMinusCk, float OneMinusB1, float B1);

    public static void Run(KernelPath path, Span<float> y, ReadOnlySpan<float> g, Span<float> z, Span<float> v, in Scalars c, Job? job)
    {
        if (job is not null && KernelPolicy.UseParallel(path, y.Length))
        {
            job.Scalars = c;
            ParallelRange.For(y.Length, KernelPolicy.MinChunk, job);
        }
        else if (KernelPolicy.UseSimd(path))
        {
            Simd(y, g, z, v, c);
        }
        else
        {
            Reference(y, g, z, v, c);
        }
    }

    public static void Reference(Span<float> y, ReadOnlySpan<float> g, Span<float> z, Span<float> v, in Scalars c)
    {
        Check(y.Length, g.Length, z.Length, v.Length);
        for (var i = 0; i < y.Length; i++)
        {
            var gi = g[i];
            var vi = (c.OneMinusB2 * (gi * gi)) + (c.B2 * v[i]);
            v[i] = vi;
            var yi = y[i];
            var u = ((1f / (MathF.Sqrt(vi / c.Bc2) + c.Epsilon)) * gi) + (c.WeightDecay * yi);
            var zi = z[i];
            var zn = zi + (c.NegBaseLearningRate * u);
            z[i] = zn;
            var prevX = (yi - (c.OneMinusB1 * zi)) / c.B1;
            var x = (c.OneMinusCk * prevX) + (c.Ck * zn);
            var ny = (c.B1 * x) + (c.OneMinusB1 * zn);
            y[i] = yi + (ny - yi);
        }
    }

    public static void Simd(Span<float> y, ReadOnlySpan<float> g, Span<float> z, Span<float> v, in Scalars c)
    {
        Check(y.Length, g.Length, z.Length, v.Length);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rz = ref MemoryMarshal.GetReference(z);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var i = 0;
        if (Vec512.IsSupported)
        {
            i = Loop<Vec512>(ref ry, ref rg, ref rz, ref rv, i, y.Length, c);
        }

        if (Vec256.IsSupported)
        {
            i = Loop<Vec256>(ref ry, ref rg, ref rz, ref rv, i, y.Length, c);
        }

        if (Vec128.IsSupported)
        {
            i = Loop<Vec128>(ref ry, ref rg, ref rz, ref rv, i, y.Length, c);
        }

        Reference(y[i..], g[i..], z[i..], v[i..], c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Loop<TV>(ref float ry, ref float rg, ref float rz, ref float rv, int i, int n, in Scalars c)
        where TV : struct, IFloatVector<TV>
    {
        var c2 = TV.Create(c.OneMinusB2);
        var b2 = TV.Create(c.B2);
        var bc2 = TV.Create(c.Bc2);
        var eps = TV.Create(c.Epsilon);
        var wd = TV.Create(c.WeightDecay);
        var nlr = TV.Create(c.NegBaseLearningRate);
        var ck = TV.Create(c.Ck);
        var omck = TV.Create(c.OneMinusCk);
        var c1 = TV.Create(c.OneMinusB1);
        var b1 = TV.Create(c.B1);
        var one = TV.Create(1f);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var gi = TV.Load(ref rg, (nuint)i);
            var vi = (c2 * (gi * gi)) + (b2 * TV.Load(ref rv, (nuint)i));
            TV.Store(vi, ref rv, (nuint)i);
            var yi = TV.Load(ref ry, (nuint)i);
            var u = ((one / (TV.Sqrt(vi / bc2) + eps)) * gi) + (wd * yi);
            var zi = TV.Load(ref rz, (nuint)i);
            var zn = zi + (nlr * u);
            TV.Store(zn, ref rz, (nuint)i);
            var prevX = (yi - (c1 * zi)) / b1;
            var x = (omck * prevX) + (ck * zn);
            var ny = (b1 * x) + (c1 * zn);
            TV.Store(yi + (ny - yi), ref ry, (nuint)i);
        }

        return i;
    }

    private static void Check(int y, int g, int z, int v)
    {
        if (g != y || z != y || v != y)
        {
            throw new ArgumentException($"lengths differ: y {y}, g {g}, z {z}, v {v}");
        }
    }

    /// <summary>A reusable parallel job over tensors.</summary>
    internal sealed class Job : IRangeJob
    {
        public Tensor Y { get; set; } = null!;

        public Tensor G { get; set; } = null!;

        public Tensor Z { get; set; } = null!;

        public Tensor V { get; set; } = null!;

        public Scalars Scalars { get; set; }

        public void Execute(int start, int end)
        {
            var n = end - start;
            Simd(Y.Span.Slice(start, n), G.Span.Slice(start, n), Z.Span.Slice(start, n), V.Span.Slice(start, n), Scalars);
        }
    }
}
