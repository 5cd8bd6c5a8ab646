using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Exact GELU: y = x · Φ(x) = ½x(1 + erf(x/√2)); dx = g · (Φ(x) + x · φ(x)).
/// </summary>
/// <remarks>
/// The reference kernel evaluates erf in double and rounds once. The fast kernel (Vector512, used when the hardware
/// accelerates it, split across cores for large tensors) evaluates erf in float with Abramowitz–Stegun 7.1.26
/// (|error| ≤ 1.5e-7, the formula of PyTorch's vectorized CPU erf) sharing exp(−x²/2) between Φ and φ; it agrees with
/// the reference within 1e-6 absolute + 1e-6 relative (parity tests), and NaN/±Inf/±0 give what the reference gives.
/// </remarks>
internal readonly struct GeluOp : IUnaryOperator
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;
    private const int ParallelChunk = 1 << 15;

    [ThreadStatic]
    private static Job? job;

    public static string Name => "Gelu";

    /// <summary>Whether the fast kernel runs (Vector512 accelerated).</summary>
    internal static bool SimdAvailable => Vector512.IsHardwareAccelerated;

    /// <summary>y = GELU(x), element-wise with the fastest kernel available.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y) => Run(x, default, y, backward: false);

    /// <summary>gx = g · GELU′(x), element-wise with the fastest kernel available.</summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
        Run(x, g, gx, backward: true);

    /// <summary>The reference forward kernel: erf in double, rounded once.</summary>
    internal static void ForwardReference(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1.0 + SpecialFunctions.Erf(v * InvSqrt2)));
        }
    }

    /// <summary>The reference backward kernel: gx = g · (Φ(x) + x · φ(x)) in double.</summary>
    internal static void BackwardReference(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gx)
    {
        for (var i = 0; i < gx.Length; i++)
        {
            double v = x[i];
            var cdf = 0.5 * (1.0 + SpecialFunctions.Erf(v * InvSqrt2));
            var pdf = Math.Exp(-0.5 * v * v) * InvSqrt2Pi;
            gx[i] = (float)(g[i] * (cdf + (v * pdf)));
        }
    }

    /// <summary>The fast forward kernel (Vector512 body, reference tail); falls back to the reference.</summary>
    internal static void ForwardSimd(ReadOnlySpan<float> x, Span<float> y)
    {
        var n = SimdAvailable ? x.Length & ~15 : 0;
        if (n > 0)
        {
            ref var xr = ref MemoryMarshal.GetReference(x);
            ref var yr = ref MemoryMarshal.GetReference(y);
            for (var i = 0; i < n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var (cdf, _) = CdfPdf(v);
                (v * cdf).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        ForwardReference(x[n..], y[n..]);
    }

    /// <summary>The fast backward kernel (Vector512 body, reference tail); falls back to the reference.</summary>
    internal static void BackwardSimd(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gx)
    {
        var n = SimdAvailable ? x.Length & ~15 : 0;
        if (n > 0)
        {
            ref var xr = ref MemoryMarshal.GetReference(x);
            ref var gr = ref MemoryMarshal.GetReference(g);
            ref var dr = ref MemoryMarshal.GetReference(gx);
            for (var i = 0; i < n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var (cdf, pdf) = CdfPdf(v);
                (Vector512.LoadUnsafe(ref gr, (nuint)i) * (cdf + (v * pdf))).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        BackwardReference(x[n..], g[n..], gx[n..]);
    }

    /// <summary>y = GELU(x) and d = GELU′(x) = Φ(x) + x·φ(x) together (x and y may be the same span; d must not overlap
    /// them): y as <see cref="ForwardSimd"/> computes it and d such that g·d is <see cref="BackwardSimd"/>'s gradient on the
    /// Vector512 body; the reference kernels' values (rounded once) for the tail.</summary>
    internal static void ForwardWithDerivativeSimd(ReadOnlySpan<float> x, Span<float> y, Span<float> d)
    {
        var n = SimdAvailable ? x.Length & ~15 : 0;
        if (n > 0)
        {
            ref var xr = ref MemoryMarshal.GetReference(x);
            ref var yr = ref MemoryMarshal.GetReference(y);
            ref var dr = ref MemoryMarshal.GetReference(d);
            for (var i = 0; i < n; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var (cdf, pdf) = CdfPdf(v);
                (cdf + (v * pdf)).StoreUnsafe(ref dr, (nuint)i);
                (v * cdf).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (var i = n; i < x.Length; i++)
        {
            double v = x[i];
            var erf = SpecialFunctions.Erf(v * InvSqrt2);
            var cdf = 0.5 * (1.0 + erf);
            var pdf = Math.Exp(-0.5 * v * v) * InvSqrt2Pi;
            d[i] = (float)(cdf + (v * pdf));
            y[i] = (float)(0.5 * v * (1.0 + erf));
        }
    }

    /// <summary>Φ(x) and φ(x) in float: erf(x/√2) by Abramowitz–Stegun 7.1.26 with e = exp(−x²/2) shared.</summary>
    private static (Vector512<float> Cdf, Vector512<float> Pdf) CdfPdf(Vector512<float> v)
    {
        var z = Vector512.Abs(v) * (float)InvSqrt2;
        var e = Vector512.Exp(v * v * -0.5f);
        var t = Vector512<float>.One / (Vector512<float>.One + (z * 0.3275911f));
        var poly = Vector512.FusedMultiplyAdd(t, Vector512.Create(1.061405429f), Vector512.Create(-1.453152027f));
        poly = Vector512.FusedMultiplyAdd(t, poly, Vector512.Create(1.421413741f));
        poly = Vector512.FusedMultiplyAdd(t, poly, Vector512.Create(-0.284496736f));
        poly = Vector512.FusedMultiplyAdd(t, poly, Vector512.Create(0.254829592f));
        poly *= t;
        var erfAbs = Vector512<float>.One - (poly * e);
        var erf = Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), -erfAbs, erfAbs);
        return (0.5f * (Vector512<float>.One + erf), e * (float)InvSqrt2Pi);
    }

    private static unsafe void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y, bool backward)
    {
        if (x.Length < 2 * ParallelChunk)
        {
            if (backward)
            {
                BackwardSimd(x, g, y);
            }
            else
            {
                ForwardSimd(x, y);
            }

            return;
        }

        fixed (float* px = x, pg = g, py = y)
        {
            var j = job ??= new Job();
            j.X = px;
            j.G = pg;
            j.Y = py;
            j.IsBackward = backward;
            ParallelRange.For(x.Length, ParallelChunk, j);
        }
    }

    private sealed unsafe class Job : IRangeJob
    {
        public float* X;
        public float* G;
        public float* Y;
        public bool IsBackward;

        public void Execute(int start, int end)
        {
            var x = new ReadOnlySpan<float>(X + start, end - start);
            var y = new Span<float>(Y + start, end - start);
            if (IsBackward)
            {
                BackwardSimd(x, new ReadOnlySpan<float>(G + start, end - start), y);
            }
            else
            {
                ForwardSimd(x, y);
            }
        }
    }
}
