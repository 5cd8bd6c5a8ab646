using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Yogi's fused update, one pass over p, g and buffers a = m, b = v:
/// <c>m = (1−β₁)g + β₁m; v = v − (1−β₂)·sign(v − g²)·g²; p = p + (−lr)·(m/bc₁)/(√(v/bc₂ + ε_root) + ε)</c>
/// (float32 scalars, as Optax computes them; no fused multiply-adds).
/// </summary>
/// <param name="OneMinusB1">1 − β₁.</param>
/// <param name="B1">β₁.</param>
/// <param name="OneMinusB2">1 − β₂.</param>
/// <param name="EpsRoot">ε_root.</param>
/// <param name="Bc1">1 − β₁ᵗ.</param>
/// <param name="Bc2">1 − β₂ᵗ.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="NegLearningRate">−lr.</param>
internal readonly record struct YogiKernel(
    float OneMinusB1, float B1, float OneMinusB2, float EpsRoot, float Bc1, float Bc2, float Epsilon, float NegLearningRate)
    : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float p, float g, ref float m, ref float v, ref float unusedC)
    {
        var mi = (OneMinusB1 * g) + (B1 * m);
        var g2 = g * g;
        var vi = v;
        vi = vi - ((OneMinusB2 * SimdMath.Sign(vi - g2)) * g2);
        m = mi;
        v = vi;
        p = p + (NegLearningRate * ((mi / Bc1) / (MathF.Sqrt((vi / Bc2) + EpsRoot) + Epsilon)));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var gi = TV.Load(ref g, i);
        var mi = (TV.Create(OneMinusB1) * gi) + (TV.Create(B1) * TV.Load(ref m, i));
        var g2 = gi * gi;
        var vi = TV.Load(ref v, i);
        vi = vi - ((TV.Create(OneMinusB2) * SimdMath.Sign(vi - g2)) * g2);
        TV.Store(mi, ref m, i);
        TV.Store(vi, ref v, i);
        var step = (mi / TV.Create(Bc1)) / (TV.Sqrt((vi / TV.Create(Bc2)) + TV.Create(EpsRoot)) + TV.Create(Epsilon));
        TV.Store(TV.Load(ref p, i) + (TV.Create(NegLearningRate) * step), ref p, i);
    }
}
