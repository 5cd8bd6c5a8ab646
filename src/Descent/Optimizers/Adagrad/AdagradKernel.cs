using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused Adagrad update (PyTorch's <c>_single_tensor_adagrad</c> order, float32, dense gradients); buffer
/// a = sum:
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s + g·g
/// p = p + (−lr/(1 + (t − 1)·lr_decay))·g / (√s + ε)
/// </code>
/// </summary>
internal readonly struct AdagradKernel : IElementwiseUpdate
{
    private readonly L2Gradient gradient;
    private readonly float negStepSize, epsilon;

    /// <summary>The update for step <paramref name="step"/> (1-based), its constants rounded to float32 as PyTorch passes them.</summary>
    public AdagradKernel(double learningRate, double learningRateDecay, double eps, double weightDecay, bool maximize, long step)
    {
        gradient = new((float)weightDecay, maximize);
        negStepSize = (float)-(learningRate / (1 + ((step - 1) * learningRateDecay)));
        epsilon = (float)eps;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float sum, ref float unusedB, ref float unusedC)
    {
        var p = param;
        var g = gradient.Scalar(grad, p);
        var acc = MathF.FusedMultiplyAdd(g, g, sum);
        sum = acc;
        param = p + (negStepSize * g / (MathF.Sqrt(acc) + epsilon));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float sum, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var pv = TV.Load(ref p, i);
        var gv = gradient.Vector(TV.Load(ref g, i), pv);
        var av = TV.MulAdd(gv, gv, TV.Load(ref sum, i));
        TV.Store(av, ref sum, i);
        TV.Store(pv + (TV.Create(negStepSize) * gv / (TV.Sqrt(av) + TV.Create(epsilon))), ref p, i);
    }
}
