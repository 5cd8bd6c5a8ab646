using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Lion's fused update, one pass over p, g and buffer a = m:
/// <c>u = sign((1−β₁)g + β₁m); m = (1−β₂)g + β₂m; p = p + (−lr)(u + λp)</c>
/// (float32 scalars, as Optax computes them; no fused multiply-adds).
/// </summary>
/// <param name="OneMinusB1">1 − β₁.</param>
/// <param name="B1">β₁.</param>
/// <param name="OneMinusB2">1 − β₂.</param>
/// <param name="B2">β₂.</param>
/// <param name="WeightDecay">λ.</param>
/// <param name="NegLearningRate">−lr.</param>
internal readonly record struct LionKernel(float OneMinusB1, float B1, float OneMinusB2, float B2, float WeightDecay, float NegLearningRate)
    : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float p, float g, ref float m, ref float unusedB, ref float unusedC)
    {
        var mi = m;
        var u = SimdMath.Sign((OneMinusB1 * g) + (B1 * mi));
        m = (OneMinusB2 * g) + (B2 * mi);
        var pi = p;
        p = pi + (NegLearningRate * (u + (WeightDecay * pi)));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var gi = TV.Load(ref g, i);
        var mi = TV.Load(ref m, i);
        var pi = TV.Load(ref p, i);
        var u = SimdMath.Sign((TV.Create(OneMinusB1) * gi) + (TV.Create(B1) * mi));
        TV.Store((TV.Create(OneMinusB2) * gi) + (TV.Create(B2) * mi), ref m, i);
        TV.Store(pi + (TV.Create(NegLearningRate) * (u + (TV.Create(WeightDecay) * pi))), ref p, i);
    }
}
