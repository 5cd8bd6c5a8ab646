using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Muon's momentum (PyTorch's <c>_single_tensor_muon</c>, float32); p = the update handed to Newton–Schulz
/// (written, never read), g = the gradient, a = momentum_buffer:
/// <code>
/// b = lerp(b, g, 1 − μ)
/// u = nesterov ? lerp(g, b, μ) : b
/// </code>
/// Each lerp is PyTorch's vectorized form with one rounding (see <see cref="Lerp"/>).
/// </summary>
internal readonly struct MuonMomentumKernel : IElementwiseUpdate
{
    private readonly float bufferWeight, bufferCoefficient, nesterovWeight, nesterovCoefficient;
    private readonly bool bufferSmall, nesterovSmall, nesterov;

    /// <summary>The momentum with μ rounded to float32 as PyTorch passes it (the buffer's weight 1 − μ is computed
    /// in double, then rounded).</summary>
    public MuonMomentumKernel(double momentum, bool nesterov)
    {
        bufferWeight = (float)(1 - momentum);
        bufferCoefficient = Lerp.Coefficient(bufferWeight);
        bufferSmall = MathF.Abs(bufferWeight) < 0.5f;
        nesterovWeight = (float)momentum;
        nesterovCoefficient = Lerp.Coefficient(nesterovWeight);
        nesterovSmall = MathF.Abs(nesterovWeight) < 0.5f;
        this.nesterov = nesterov;
    }

    /// <inheritdoc />
    public void Scalar(ref float update, float grad, ref float buffer, ref float unusedB, ref float unusedC)
    {
        var b = Lerp.Scalar(buffer, grad, bufferWeight);
        buffer = b;
        update = nesterov ? Lerp.Scalar(grad, b, nesterovWeight) : b;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float u, ref float g, ref float b, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var gv = TV.Load(ref g, i);
        var bv = Lerp.Vector(TV.Load(ref b, i), gv, TV.Create(bufferCoefficient), bufferSmall);
        TV.Store(bv, ref b, i);
        TV.Store(nesterov ? Lerp.Vector(gv, bv, TV.Create(nesterovCoefficient), nesterovSmall) : bv, ref u, i);
    }
}
