using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Muon's parameter update (float32); p = the parameter, g = the orthogonalized update O:
/// <code>
/// p = p·(1 − lr·λ)             (PyTorch's mul_, rounded)
/// p = p + (−adjusted_lr)·O     (PyTorch's add_ with alpha: one rounding, a fused multiply-add)
/// </code>
/// </summary>
/// <param name="Decay">float32(1 − lr·λ).</param>
/// <param name="NegLearningRate">float32(−adjusted_lr).</param>
internal readonly record struct MuonApplyKernel(float Decay, float NegLearningRate) : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float param, float update, ref float unusedA, ref float unusedB, ref float unusedC) =>
        param = MathF.FusedMultiplyAdd(NegLearningRate, update, param * Decay);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float o, ref float unusedA, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV> =>
        TV.Store(TV.MulAdd(TV.Create(NegLearningRate), TV.Load(ref o, i), TV.Load(ref p, i) * TV.Create(Decay)), ref p, i);
}
