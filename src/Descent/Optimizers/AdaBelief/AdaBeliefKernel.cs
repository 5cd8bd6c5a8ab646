using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// AdaBelief's fused update, one pass over p, g and buffers a = m, b = s:
/// <c>m = (1−β₁)g + β₁m; e = g − m; s = (1−β₂)e² + β₂s + ε_root; p = p + (−lr)·(m/bc₁)/(√(s/bc₂) + ε)</c>
/// (float32 scalars, as Optax computes them; no fused multiply-adds).
/// </summary>
/// <param name="OneMinusB1">1 − β₁.</param>
/// <param name="B1">β₁.</param>
/// <param name="OneMinusB2">1 − β₂.</param>
/// <param name="B2">β₂.</param>
/// <param name="EpsRoot">ε_root.</param>
/// <param name="Bc1">1 − β₁ᵗ.</param>
/// <param name="Bc2">1 − β₂ᵗ.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="NegLearningRate">−lr.</param>
internal readonly record struct AdaBeliefKernel(
    float OneMinusB1, float B1, float OneMinusB2, float B2, float EpsRoot, float Bc1, float Bc2, float Epsilon, float NegLearningRate)
    : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float p, float g, ref float m, ref float s, ref float unusedC)
    {
        var mi = (OneMinusB1 * g) + (B1 * m);
        var e = g - mi;
        var si = ((OneMinusB2 * (e * e)) + (B2 * s)) + EpsRoot;
        m = mi;
        s = si;
        p = p + (NegLearningRate * ((mi / Bc1) / (MathF.Sqrt(si / Bc2) + Epsilon)));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float s, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var gi = TV.Load(ref g, i);
        var mi = (TV.Create(OneMinusB1) * gi) + (TV.Create(B1) * TV.Load(ref m, i));
        var e = gi - mi;
        var si = ((TV.Create(OneMinusB2) * (e * e)) + (TV.Create(B2) * TV.Load(ref s, i))) + TV.Create(EpsRoot);
        TV.Store(mi, ref m, i);
        TV.Store(si, ref s, i);
        var step = (mi / TV.Create(Bc1)) / (TV.Sqrt(si / TV.Create(Bc2)) + TV.Create(Epsilon));
        TV.Store(TV.Load(ref p, i) + (TV.Create(NegLearningRate) * step), ref p, i);
    }
}
