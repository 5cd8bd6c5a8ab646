using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused Adadelta update (PyTorch's <c>_single_tensor_adadelta</c> order, float32):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s·ρ + (1 − ρ)·g·g
/// δ = √(u + ε) / √(s + ε) · g
/// u = u·ρ + (1 − ρ)·δ·δ
/// p = p − lr·δ
/// </code>
/// Fused multiply-adds where PyTorch's vectorized kernels have them; both paths agree bit for bit.
/// </summary>
public sealed class AdadeltaKernel : ITwoStateKernel<AdadeltaStepScalars>
{
    private AdadeltaKernel()
    {
    }

    /// <summary>The scalar reference.</summary>
    public static void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta, in AdadeltaStepScalars s)
    {
        Check(param, grad, squareAvg, accDelta);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            var sq = MathF.FusedMultiplyAdd(s.OneMinusRho * g, g, squareAvg[i] * s.Rho);
            squareAvg[i] = sq;
            var std = MathF.Sqrt(sq + s.Epsilon);
            var delta = MathF.Sqrt(accDelta[i] + s.Epsilon) / std * g;
            accDelta[i] = MathF.FusedMultiplyAdd(s.OneMinusRho * delta, delta, accDelta[i] * s.Rho);
            param[i] = MathF.FusedMultiplyAdd(s.NegLearningRate, delta, p);
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta, in AdadeltaStepScalars s)
    {
        Check(param, grad, squareAvg, accDelta);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var sq = ref MemoryMarshal.GetReference(squareAvg);
        ref var u = ref MemoryMarshal.GetReference(accDelta);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref sq, ref u, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref sq, ref u, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref sq, ref u, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref sq, ref u, i, n, s);
    }

    private static void Check(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, squareAvg.Length, nameof(squareAvg));
        KernelGuard.SameLength(param.Length, accDelta.Length, nameof(accDelta));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(ref float p, ref float g, ref float sq, ref float u, int i, int n, in AdadeltaStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decay = s.WeightDecay != 0;
        var rho = TOps.Splat(s.Rho);
        var c1 = TOps.Splat(s.OneMinusRho);
        var eps = TOps.Splat(s.Epsilon);
        var lr = TOps.Splat(s.NegLearningRate);
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

            var sv = TOps.MulAdd(TOps.Mul(c1, gv), gv, TOps.Mul(TOps.Load(ref sq, k), rho));
            TOps.Store(sv, ref sq, k);
            var std = TOps.Sqrt(TOps.Add(sv, eps));
            var uv = TOps.Load(ref u, k);
            var delta = TOps.Mul(TOps.Div(TOps.Sqrt(TOps.Add(uv, eps)), std), gv);
            TOps.Store(TOps.MulAdd(TOps.Mul(c1, delta), delta, TOps.Mul(uv, rho)), ref u, k);
            TOps.Store(TOps.MulAdd(lr, delta, pv), ref p, k);
        }

        return i;
    }
}
