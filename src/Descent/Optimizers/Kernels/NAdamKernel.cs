using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused NAdam update (PyTorch's <c>_single_tensor_nadam</c> order, float32):
/// <code>
/// g = maximize ? −g : g
/// decoupled: p = p·(1 − lr·wd)        coupled: g = g + wd·p   (when wd ≠ 0)
/// m = lerp(m, g, 1 − β1);   v = v·β2 + (1 − β2)·g·g
/// d = √(v / (1 − β2ᵗ)) + ε
/// p = p + c_g·g / d;   p = p + c_m·m / d       (c_g, c_m: <see cref="NAdamStepScalars"/>)
/// </code>
/// Fused multiply-adds where PyTorch's vectorized kernels have them; both paths agree bit for bit.
/// </summary>
public sealed class NAdamKernel : ITwoStateKernel<NAdamStepScalars>
{
    private NAdamKernel()
    {
    }

    /// <summary>The scalar reference.</summary>
    public static void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, in NAdamStepScalars s)
    {
        Check(param, grad, expAvg, expAvgSq);
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
            var denom = MathF.Sqrt(v / s.BiasCorrection2) + s.Epsilon;
            p += s.GradCoefficient * g / denom;
            param[i] = p + (s.MomentumCoefficient * m / denom);
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, in NAdamStepScalars s)
    {
        Check(param, grad, expAvg, expAvgSq);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var m = ref MemoryMarshal.GetReference(expAvg);
        ref var v = ref MemoryMarshal.GetReference(expAvgSq);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref m, ref v, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref m, ref v, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref m, ref v, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref m, ref v, i, n, s);
    }

    private static void Check(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, expAvg.Length, nameof(expAvg));
        KernelGuard.SameLength(param.Length, expAvgSq.Length, nameof(expAvgSq));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(ref float p, ref float g, ref float m, ref float v, int i, int n, in NAdamStepScalars s)
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
        var small = MathF.Abs(s.Beta1Weight) < 0.5f;
        var w1 = TOps.Splat(Lerp.Coefficient(s.Beta1Weight));
        var b2 = TOps.Splat(s.Beta2);
        var c2 = TOps.Splat(s.OneMinusBeta2);
        var bc2 = TOps.Splat(s.BiasCorrection2);
        var eps = TOps.Splat(s.Epsilon);
        var cg = TOps.Splat(s.GradCoefficient);
        var cm = TOps.Splat(s.MomentumCoefficient);
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
            var denom = TOps.Add(TOps.Sqrt(TOps.Div(vv, bc2)), eps);
            pv = TOps.Add(pv, TOps.Div(TOps.Mul(cg, gv), denom));
            TOps.Store(TOps.Add(pv, TOps.Div(TOps.Mul(cm, mv), denom)), ref p, k);
        }

        return i;
    }
}
