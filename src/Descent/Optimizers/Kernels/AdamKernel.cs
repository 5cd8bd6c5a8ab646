using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused Adam/AdamW update: one pass reads p, g, m, v (and v_max) and writes p, m, v (and v_max).
/// Per element, in PyTorch's float32 operation order (<c>_single_tensor_adam</c>):
/// <code>
/// g = maximize ? −g : g
/// decoupled: p = p·(1 − lr·wd)        coupled: g = g + wd·p   (when wd ≠ 0)
/// m = lerp(m, g, 1 − β1)
/// v = v·β2 + (1 − β2)·g·g
/// amsgrad: v_max = max(v_max, v), used below instead of v
/// p = p + (−lr/(1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// Where PyTorch's vectorized CPU kernels fuse a multiply-add (add with alpha, lerp, addcmul) both paths use a
/// fused multiply-add too; otherwise they perform the same IEEE operations per lane, so they agree bit for bit.
/// Buffers must be either identical or disjoint.
/// </summary>
public static class AdamKernel
{
    /// <summary>The scalar reference: one element at a time, in the order of the rule above.</summary>
    public static void Reference(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, in AdamStepScalars s)
    {
        Check(param, grad, expAvg, expAvgSq, maxExpAvgSq, s);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.Decoupled)
            {
                p *= s.DecayFactor;
            }
            else if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            var m = Lerp.Scalar(expAvg[i], g, s.Beta1Weight);
            var v = MathF.FusedMultiplyAdd(s.OneMinusBeta2 * g, g, expAvgSq[i] * s.Beta2);
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (s.Amsgrad)
            {
                v = MathF.Max(maxExpAvgSq[i], v);
                maxExpAvgSq[i] = v;
            }

            var denom = (MathF.Sqrt(v + s.EpsInsideRoot) / s.BiasCorrection2Sqrt) + s.Epsilon;
            param[i] = p + (s.NegStepSize * m / denom);
        }
    }

    /// <summary>The vectorized kernel (Vector512/256/128 and a scalar tail) on the calling thread.</summary>
    public static void Simd(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, in AdamStepScalars s)
    {
        Check(param, grad, expAvg, expAvgSq, maxExpAvgSq, s);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var m = ref MemoryMarshal.GetReference(expAvg);
        ref var v = ref MemoryMarshal.GetReference(expAvgSq);
        ref var vm = ref MemoryMarshal.GetReference(maxExpAvgSq);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref m, ref v, ref vm, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref m, ref v, ref vm, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref m, ref v, ref vm, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref m, ref v, ref vm, i, n, s);
    }

    private static void Check(
        Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, in AdamStepScalars s)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, expAvg.Length, nameof(expAvg));
        KernelGuard.SameLength(param.Length, expAvgSq.Length, nameof(expAvgSq));
        if (s.Amsgrad)
        {
            KernelGuard.SameLength(param.Length, maxExpAvgSq.Length, nameof(maxExpAvgSq));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(
        ref float p, ref float g, ref float m, ref float v, ref float vm, int i, int n, in AdamStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decoupled = s.Decoupled;
        var coupled = !decoupled && s.WeightDecay != 0;
        var amsgrad = s.Amsgrad;
        var small = MathF.Abs(s.Beta1Weight) < 0.5f;
        var w1 = TOps.Splat(Lerp.Coefficient(s.Beta1Weight));
        var b2 = TOps.Splat(s.Beta2);
        var c2 = TOps.Splat(s.OneMinusBeta2);
        var bc2 = TOps.Splat(s.BiasCorrection2Sqrt);
        var eps = TOps.Splat(s.Epsilon);
        var epsIn = TOps.Splat(s.EpsInsideRoot);
        var step = TOps.Splat(s.NegStepSize);
        var wd = TOps.Splat(s.WeightDecay);
        var decay = TOps.Splat(s.DecayFactor);
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
            if (decoupled)
            {
                pv = TOps.Mul(pv, decay);
            }
            else if (coupled)
            {
                gv = TOps.MulAdd(wd, pv, gv);
            }

            var mv = Lerp.Vector<TVec, TOps>(TOps.Load(ref m, k), gv, w1, small);
            var vv = TOps.MulAdd(TOps.Mul(c2, gv), gv, TOps.Mul(TOps.Load(ref v, k), b2));
            TOps.Store(mv, ref m, k);
            TOps.Store(vv, ref v, k);
            if (amsgrad)
            {
                vv = TOps.Max(TOps.Load(ref vm, k), vv);
                TOps.Store(vv, ref vm, k);
            }

            var denom = TOps.Add(TOps.Div(TOps.Sqrt(TOps.Add(vv, epsIn)), bc2), eps);
            TOps.Store(TOps.Add(pv, TOps.Div(TOps.Mul(step, mv), denom)), ref p, k);
        }

        return i;
    }

    /// <summary>A reusable job that runs the kernel over a range of one parameter (allocation-free).</summary>
    internal sealed class Job : IRangeJob
    {
        private BufferSlice p, g, m, v, vm;
        private AdamStepScalars scalars;
        private bool simd;

        /// <summary>Runs the update of one parameter with the chosen path.</summary>
        public void Run(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq,
            in AdamStepScalars s, KernelPath path)
        {
            KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
            KernelGuard.SameLength(param.Length, expAvg.Length, nameof(expAvg));
            KernelGuard.SameLength(param.Length, expAvgSq.Length, nameof(expAvgSq));
            p = new(param);
            g = new(grad);
            m = new(expAvg);
            v = new(expAvgSq);
            vm = new(maxExpAvgSq);
            scalars = s;
            simd = KernelDispatch.UseSimd(path);
            try
            {
                KernelDispatch.Run(this, param.Length, simd);
            }
            finally
            {
                p = g = m = v = vm = default;
            }
        }

        /// <inheritdoc />
        public void Execute(int start, int end)
        {
            if (simd)
            {
                Simd(p.Slice(start, end), g.Slice(start, end), m.Slice(start, end), v.Slice(start, end), vm.Slice(start, end), scalars);
            }
            else
            {
                Reference(p.Slice(start, end), g.Slice(start, end), m.Slice(start, end), v.Slice(start, end), vm.Slice(start, end), scalars);
            }
        }
    }
}
