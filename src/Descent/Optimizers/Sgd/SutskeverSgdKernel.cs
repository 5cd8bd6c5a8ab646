using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// SGD with momentum in the Sutskever / Keras / scikit-learn form (velocity starts at zero); buffer
/// a = momentum_buffer (the velocity):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// v = (−lr)·g + μ·v
/// p = nesterov ? p + ((−lr)·g + μ·v) : p + v
/// </code>
/// The order of operations is Keras 3's (<c>m = −g·lr + m·μ</c>); no fused multiply-adds.
/// </summary>
/// <param name="NegLearningRate">−lr.</param>
/// <param name="Momentum">μ.</param>
/// <param name="WeightDecay">wd (0 for none).</param>
/// <param name="Nesterov">Nesterov's form.</param>
/// <param name="Maximize">Negate the gradient.</param>
internal readonly record struct SutskeverSgdKernel(float NegLearningRate, float Momentum, float WeightDecay, bool Nesterov, bool Maximize)
    : IElementwiseUpdate
{
    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float velocity, ref float unusedB, ref float unusedC)
    {
        var g = Maximize ? -grad : grad;
        var p = param;
        if (WeightDecay != 0)
        {
            g += WeightDecay * p;
        }

        var v = (NegLearningRate * g) + (Momentum * velocity);
        velocity = v;
        param = Nesterov ? p + ((NegLearningRate * g) + (Momentum * v)) : p + v;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float v, ref float unusedB, ref float unusedC, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var nlr = TV.Create(NegLearningRate);
        var mu = TV.Create(Momentum);
        var gv = TV.Load(ref g, i);
        if (Maximize)
        {
            gv = -gv;
        }

        var pv = TV.Load(ref p, i);
        if (WeightDecay != 0)
        {
            gv += TV.Create(WeightDecay) * pv;
        }

        var vv = (nlr * gv) + (mu * TV.Load(ref v, i));
        TV.Store(vv, ref v, i);
        TV.Store(Nesterov ? pv + ((nlr * gv) + (mu * vv)) : pv + vv, ref p, i);
    }
}
