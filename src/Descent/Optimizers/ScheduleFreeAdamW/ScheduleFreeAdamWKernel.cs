using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Schedule-Free AdamW's fused update, one pass over y (the parameter), g and buffers a = z, b = v:
/// <code>
/// v = (1−β₂)g² + β₂v;   u = (1/(√(v/bc₂) + ε))·g + λy;   z' = z + (−lr_base)·u
/// x = (1−c)·(y − (1−β₁)z)/β₁ + c·z';   y = y + ((β₁x + (1−β₁)z') − y)
/// </code>
/// (float32 scalars; no fused multiply-adds).
/// </summary>
/// <param name="OneMinusB2">1 − β₂.</param>
/// <param name="B2">β₂.</param>
/// <param name="Bc2">1 − β₂ᵗ.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="WeightDecay">λ.</param>
/// <param name="NegBaseLearningRate">−lr_base.</param>
/// <param name="Ck">The averaging weight c_t.</param>
/// <param name="OneMinusCk">1 − c_t.</param>
/// <param name="OneMinusB1">1 − β₁.</param>
/// <param name="B1">β₁.</param>
internal readonly record struct ScheduleFreeAdamWKernel(
    float OneMinusB2, float B2, float Bc2, float Epsilon, float WeightDecay, float NegBaseLearningRate,
    float Ck, float OneMinusCk, float OneMinusB1, float B1) : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float y, float g, ref float z, ref float v, ref float unusedC)
    {
        var vi = (OneMinusB2 * (g * g)) + (B2 * v);
        v = vi;
        var yi = y;
        var u = ((1f / (MathF.Sqrt(vi / Bc2) + Epsilon)) * g) + (WeightDecay * yi);
        var zi = z;
        var zn = zi + (NegBaseLearningRate * u);
        z = zn;
        var prevX = (yi - (OneMinusB1 * zi)) / B1;
        var x = (OneMinusCk * prevX) + (Ck * zn);
        var ny = (B1 * x) + (OneMinusB1 * zn);
        y = yi + (ny - yi);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float y, ref float g, ref float z, ref float v, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var c1 = TV.Create(OneMinusB1);
        var b1 = TV.Create(B1);
        var gi = TV.Load(ref g, i);
        var vi = (TV.Create(OneMinusB2) * (gi * gi)) + (TV.Create(B2) * TV.Load(ref v, i));
        TV.Store(vi, ref v, i);
        var yi = TV.Load(ref y, i);
        var u = ((TV.Create(1f) / (TV.Sqrt(vi / TV.Create(Bc2)) + TV.Create(Epsilon))) * gi) + (TV.Create(WeightDecay) * yi);
        var zi = TV.Load(ref z, i);
        var zn = zi + (TV.Create(NegBaseLearningRate) * u);
        TV.Store(zn, ref z, i);
        var prevX = (yi - (c1 * zi)) / b1;
        var x = (TV.Create(OneMinusCk) * prevX) + (TV.Create(Ck) * zn);
        var ny = (b1 * x) + (c1 * zn);
        TV.Store(yi + (ny - yi), ref y, i);
    }
}
