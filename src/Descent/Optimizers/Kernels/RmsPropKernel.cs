using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused RMSprop update (PyTorch's <c>_single_tensor_rmsprop</c> order, float32):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s·α + (1 − α)·g·g
/// centered: a = lerp(a, g, 1 − α);  d = √(s − a·a) + ε      else d = √s + ε
/// μ &gt; 0:  b = b·μ + g/d;  p = p − lr·b           else p = p + (−lr)·g / d
/// </code>
/// The gradient-average and buffer spans are ignored (may be empty) when not centered / without momentum.
/// Fused multiply-adds where PyTorch's vectorized kernels have them; both paths agree bit for bit.
/// </summary>
public static class RmsPropKernel
{
    /// <summary>The scalar reference.</summary>
    public static void Reference(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer,
        in RmsPropStepScalars s)
    {
        Check(param, grad, squareAvg, gradAvg, momentumBuffer, s);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            var sq = MathF.FusedMultiplyAdd(s.OneMinusAlpha * g, g, squareAvg[i] * s.Alpha);
            squareAvg[i] = sq;
            float avg;
            if (s.Centered)
            {
                var a = Lerp.Scalar(gradAvg[i], g, s.OneMinusAlpha);
                gradAvg[i] = a;
                avg = MathF.Sqrt(MathF.FusedMultiplyAdd(-a, a, sq)) + s.Epsilon;
            }
            else
            {
                avg = MathF.Sqrt(sq) + s.Epsilon;
            }

            if (s.Momentum > 0)
            {
                var b = (momentumBuffer[i] * s.Momentum) + (g / avg);
                momentumBuffer[i] = b;
                param[i] = MathF.FusedMultiplyAdd(s.NegLearningRate, b, p);
            }
            else
            {
                param[i] = p + (s.NegLearningRate * g / avg);
            }
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer,
        in RmsPropStepScalars s)
    {
        Check(param, grad, squareAvg, gradAvg, momentumBuffer, s);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var sq = ref MemoryMarshal.GetReference(squareAvg);
        ref var a = ref MemoryMarshal.GetReference(gradAvg);
        ref var b = ref MemoryMarshal.GetReference(momentumBuffer);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref sq, ref a, ref b, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref sq, ref a, ref b, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref sq, ref a, ref b, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref sq, ref a, ref b, i, n, s);
    }

    private static void Check(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer,
        in RmsPropStepScalars s)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, squareAvg.Length, nameof(squareAvg));
        if (s.Centered)
        {
            KernelGuard.SameLength(param.Length, gradAvg.Length, nameof(gradAvg));
        }

        if (s.Momentum > 0)
        {
            KernelGuard.SameLength(param.Length, momentumBuffer.Length, nameof(momentumBuffer));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(
        ref float p, ref float g, ref float sq, ref float a, ref float b, int i, int n, in RmsPropStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decay = s.WeightDecay != 0;
        var centered = s.Centered;
        var momentum = s.Momentum > 0;
        var small = MathF.Abs(s.OneMinusAlpha) < 0.5f;
        var w = TOps.Splat(Lerp.Coefficient(s.OneMinusAlpha));
        var alpha = TOps.Splat(s.Alpha);
        var c1 = TOps.Splat(s.OneMinusAlpha);
        var eps = TOps.Splat(s.Epsilon);
        var lr = TOps.Splat(s.NegLearningRate);
        var mu = TOps.Splat(s.Momentum);
        var wd = TOps.Splat(s.WeightDecay);
        var c = TOps.Count;
        for (; i <= n - c; i += c)
        {
            var k = (nuint)i;
            var gv = TOps.Load(ref g, k);
            if (maximize)
            {
                gv = TOps.Neg(gv);
            }

            var pv = TOps.Load(ref p, k);
            if (decay)
            {
                gv = TOps.MulAdd(wd, pv, gv);
            }

            var sv = TOps.MulAdd(TOps.Mul(c1, gv), gv, TOps.Mul(TOps.Load(ref sq, k), alpha));
            TOps.Store(sv, ref sq, k);
            TVec avg;
            if (centered)
            {
                var av = Lerp.Vector<TVec, TOps>(TOps.Load(ref a, k), gv, w, small);
                TOps.Store(av, ref a, k);
                avg = TOps.Add(TOps.Sqrt(TOps.MulAdd(TOps.Neg(av), av, sv)), eps);
            }
            else
            {
                avg = TOps.Add(TOps.Sqrt(sv), eps);
            }

            if (momentum)
            {
                var bv = TOps.Add(TOps.Mul(TOps.Load(ref b, k), mu), TOps.Div(gv, avg));
                TOps.Store(bv, ref b, k);
                TOps.Store(TOps.MulAdd(lr, bv, pv), ref p, k);
            }
            else
            {
                TOps.Store(TOps.Add(pv, TOps.Div(TOps.Mul(lr, gv), avg)), ref p, k);
            }
        }

        return i;
    }

    /// <summary>A reusable job that runs the kernel over one parameter (allocation-free).</summary>
    internal sealed class Job : IRangeJob
    {
        private BufferSlice p, g, sq, a, b;
        private RmsPropStepScalars scalars;
        private bool simd;

        public void Run(Tensor param, Tensor grad, Tensor squareAvg, Tensor? gradAvg, Tensor? momentumBuffer,
            in RmsPropStepScalars s, KernelPath path)
        {
            KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
            KernelGuard.SameLength(param.Length, squareAvg.Length, nameof(squareAvg));
            if (s.Centered)
            {
                KernelGuard.SameLength(param.Length, gradAvg?.Length ?? 0, nameof(gradAvg));
            }

            if (s.Momentum > 0)
            {
                KernelGuard.SameLength(param.Length, momentumBuffer?.Length ?? 0, nameof(momentumBuffer));
            }

            p = new(param);
            g = new(grad);
            sq = new(squareAvg);
            a = new(gradAvg);
            b = new(momentumBuffer);
            scalars = s;
            simd = KernelDispatch.UseSimd(path);
            try
            {
                KernelDispatch.Run(this, param.Length, simd);
            }
            finally
            {
                p = g = sq = a = b = default;
            }
        }

        public void Execute(int start, int end)
        {
            if (simd)
            {
                Simd(p.Slice(start, end), g.Slice(start, end), sq.Slice(start, end), a.Slice(start, end), b.Slice(start, end), scalars);
            }
            else
            {
                Reference(p.Slice(start, end), g.Slice(start, end), sq.Slice(start, end), a.Slice(start, end), b.Slice(start, end), scalars);
            }
        }
    }
}
