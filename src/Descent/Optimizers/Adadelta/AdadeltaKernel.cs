using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused Adadelta update (PyTorch's <c>_single_tensor_adadelta</c> order, float32); buffers
/// a = square_avg, b = acc_delta:
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s·ρ + (1 − ρ)·g·g
/// δ = √(u + ε) / √(s + ε) · g
/// u = u·ρ + (1 − ρ)·δ·δ
/// p = p − lr·δ
/// </code>
/// </summary>
internal readonly struct AdadeltaKernel : IElementwiseUpdate
{
    private readonly L2Gradient gradient;
    private readonly float rho, oneMinusRho, epsilon, negLearningRate;

    /// <summary>The update with the hyperparameters rounded to float32 as PyTorch passes them.</summary>
    public AdadeltaKernel(double learningRate, double rho, double eps, double weightDecay, bool maximize)
    {
        gradient = new((float)weightDecay, maximize);
        this.rho = (float)rho;
        oneMinusRho = (float)(1 - rho);
        epsilon = (float)eps;
        negLearningRate = (float)-learningRate;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float squareAvg, ref float accDelta, ref float unused)
    {
        var p = param;
        var g = gradient.Scalar(grad, p);
        var sq = MathF.FusedMultiplyAdd(oneMinusRho * g, g, squareAvg * rho);
        squareAvg = sq;
        var std = MathF.Sqrt(sq + epsilon);
        var delta = MathF.Sqrt(accDelta + epsilon) / std * g;
        accDelta = MathF.FusedMultiplyAdd(oneMinusRho * delta, delta, accDelta * rho);
        param = MathF.FusedMultiplyAdd(negLearningRate, delta, p);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float sq, ref float u, ref float unused, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var pv = TV.Load(ref p, i);
        var gv = gradient.Vector(TV.Load(ref g, i), pv);
        var c1 = TV.Create(oneMinusRho);
        var rv = TV.Create(rho);
        var eps = TV.Create(epsilon);
        var sv = TV.MulAdd(c1 * gv, gv, TV.Load(ref sq, i) * rv);
        TV.Store(sv, ref sq, i);
        var std = TV.Sqrt(sv + eps);
        var uv = TV.Load(ref u, i);
        var delta = TV.Sqrt(uv + eps) / std * gv;
        TV.Store(TV.MulAdd(c1 * delta, delta, uv * rv), ref u, i);
        TV.Store(TV.MulAdd(TV.Create(negLearningRate), delta, pv), ref p, i);
    }
}
