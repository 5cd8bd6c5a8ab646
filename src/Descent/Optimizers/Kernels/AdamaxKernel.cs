using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused Adamax update (PyTorch's <c>_single_tensor_adamax</c> order, float32):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// m = lerp(m, g, 1 − β1)
/// u = max(u·β2, |g| + ε)              (NaN propagates, like torch.maximum)
/// p = p + (−lr/(1 − β1ᵗ))·m / u
/// </code>
/// Fused multiply-adds where PyTorch's vectorized kernels have them; both paths agree bit for bit.
/// </summary>
public sealed class AdamaxKernel : ITwoStateKernel<AdamaxStepScalars>
{
    private AdamaxKernel()
    {
    }

    /// <summary>The scalar reference.</summary>
    public static void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf, in AdamaxStepScalars s)
    {
        Check(param, grad, expAvg, expInf);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            var m = Lerp.Scalar(expAvg[i], g, s.Beta1Weight);
            var u = MathF.Max(expInf[i] * s.Beta2, MathF.Abs(g) + s.Epsilon);
            expAvg[i] = m;
            expInf[i] = u;
            param[i] = p + (s.NegStepSize * m / u);
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf, in AdamaxStepScalars s)
    {
        Check(param, grad, expAvg, expInf);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var m = ref MemoryMarshal.GetReference(expAvg);
        ref var u = ref MemoryMarshal.GetReference(expInf);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref m, ref u, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref m, ref u, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref m, ref u, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref m, ref u, i, n, s);
    }

    private static void Check(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, expAvg.Length, nameof(expAvg));
        KernelGuard.SameLength(param.Length, expInf.Length, nameof(expInf));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(ref float p, ref float g, ref float m, ref float u, int i, int n, in AdamaxStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decay = s.WeightDecay != 0;
        var small = MathF.Abs(s.Beta1Weight) < 0.5f;
        var w1 = TOps.Splat(Lerp.Coefficient(s.Beta1Weight));
        var b2 = TOps.Splat(s.Beta2);
        var eps = TOps.Splat(s.Epsilon);
        var step = TOps.Splat(s.NegStepSize);
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

            var mv = Lerp.Vector<TVec, TOps>(TOps.Load(ref m, k), gv, w1, small);
            var uv = TOps.Max(TOps.Mul(TOps.Load(ref u, k), b2), TOps.Add(TOps.Abs(gv), eps));
            TOps.Store(mv, ref m, k);
            TOps.Store(uv, ref u, k);
            TOps.Store(TOps.Add(pv, TOps.Div(TOps.Mul(step, mv), uv)), ref p, k);
        }

        return i;
    }
}
