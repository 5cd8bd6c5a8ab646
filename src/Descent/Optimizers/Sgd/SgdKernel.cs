using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused SGD update (PyTorch's <c>_single_tensor_sgd</c> order, float32); buffer a = momentum_buffer
/// (empty, never touched, when μ = 0):
/// <code>
/// g = maximize ? −g : g
/// if wd ≠ 0: g = g + wd·p
/// if μ ≠ 0:  b = first ? g : b·μ + (1 − dampening)·g;   g = nesterov ? g + μ·b : b
/// p = p + (−lr)·g
/// </code>
/// Each "a + α·b" is a fused multiply-add, as in PyTorch's vectorized <c>add(…, alpha)</c>.
/// </summary>
internal readonly struct SgdKernel : IElementwiseUpdate
{
    private readonly L2Gradient gradient;
    private readonly bool momentum, first, nesterov;
    private readonly float mu, dampeningComplement, negLearningRate;

    /// <summary>The update with the hyperparameters rounded to float32 as PyTorch passes them;
    /// <paramref name="initializeBuffer"/>: the buffer's first use (set to the gradient: no decay, no dampening).</summary>
    public SgdKernel(
        double learningRate, double momentum, double dampening, double weightDecay,
        bool nesterov, bool maximize, bool initializeBuffer)
    {
        gradient = new((float)weightDecay, maximize);
        mu = (float)momentum;
        this.momentum = mu != 0;
        first = initializeBuffer;
        this.nesterov = nesterov;
        dampeningComplement = (float)(1 - dampening);
        negLearningRate = (float)-learningRate;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float momentumBuffer, ref float unusedB, ref float unusedC)
    {
        var p = param;
        var g = gradient.Scalar(grad, p);
        if (momentum)
        {
            var b = first ? g : MathF.FusedMultiplyAdd(dampeningComplement, g, momentumBuffer * mu);
            momentumBuffer = b;
            g = nesterov ? MathF.FusedMultiplyAdd(mu, b, g) : b;
        }

        param = MathF.FusedMultiplyAdd(negLearningRate, g, p);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float b, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var pv = TV.Load(ref p, i);
        var gv = gradient.Vector(TV.Load(ref g, i), pv);
        if (momentum)
        {
            var muv = TV.Create(mu);
            var bv = first ? gv : TV.MulAdd(TV.Create(dampeningComplement), gv, TV.Load(ref b, i) * muv);
            TV.Store(bv, ref b, i);
            gv = nesterov ? TV.MulAdd(muv, bv, gv) : bv;
        }

        TV.Store(TV.MulAdd(TV.Create(negLearningRate), gv, pv), ref p, i);
    }
}
