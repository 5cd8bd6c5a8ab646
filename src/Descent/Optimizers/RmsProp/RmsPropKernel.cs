using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused RMSprop update (PyTorch's <c>_single_tensor_rmsprop</c> order, float32); buffers a = square_avg,
/// b = grad_avg (centered only), c = momentum_buffer (μ &gt; 0 only):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s·α + (1 − α)·g·g
/// centered: a = lerp(a, g, 1 − α);  d = √(s − a·a) + ε      else d = √s + ε
/// μ &gt; 0:  b = b·μ + g/d;  p = p − lr·b           else p = p + (−lr)·g / d
/// </code>
/// </summary>
internal readonly struct RmsPropKernel : IElementwiseUpdate
{
    private readonly L2Gradient gradient;
    private readonly bool centered, momentum, small;
    private readonly float alpha, oneMinusAlpha, w, epsilon, negLearningRate, mu;

    /// <summary>The update with the hyperparameters rounded to float32 as PyTorch passes them.</summary>
    public RmsPropKernel(
        double learningRate, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        gradient = new((float)weightDecay, maximize);
        this.centered = centered;
        mu = (float)momentum;
        this.momentum = mu > 0;
        this.alpha = (float)alpha;
        oneMinusAlpha = (float)(1 - alpha);
        small = MathF.Abs(oneMinusAlpha) < 0.5f;
        w = Lerp.Coefficient(oneMinusAlpha);
        epsilon = (float)eps;
        negLearningRate = (float)-learningRate;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float squareAvg, ref float gradAvg, ref float momentumBuffer)
    {
        var p = param;
        var g = gradient.Scalar(grad, p);
        var sq = MathF.FusedMultiplyAdd(oneMinusAlpha * g, g, squareAvg * alpha);
        squareAvg = sq;
        float avg;
        if (centered)
        {
            var a = Lerp.Scalar(gradAvg, g, oneMinusAlpha);
            gradAvg = a;
            avg = MathF.Sqrt(MathF.FusedMultiplyAdd(-a, a, sq)) + epsilon;
        }
        else
        {
            avg = MathF.Sqrt(sq) + epsilon;
        }

        if (momentum)
        {
            var b = (momentumBuffer * mu) + (g / avg);
            momentumBuffer = b;
            param = MathF.FusedMultiplyAdd(negLearningRate, b, p);
        }
        else
        {
            param = p + (negLearningRate * g / avg);
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float sq, ref float a, ref float b, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var pv = TV.Load(ref p, i);
        var gv = gradient.Vector(TV.Load(ref g, i), pv);
        var sv = TV.MulAdd(TV.Create(oneMinusAlpha) * gv, gv, TV.Load(ref sq, i) * TV.Create(alpha));
        TV.Store(sv, ref sq, i);
        TV avg;
        if (centered)
        {
            var av = Lerp.Vector(TV.Load(ref a, i), gv, TV.Create(w), small);
            TV.Store(av, ref a, i);
            avg = TV.Sqrt(TV.MulAdd(-av, av, sv)) + TV.Create(epsilon);
        }
        else
        {
            avg = TV.Sqrt(sv) + TV.Create(epsilon);
        }

        var lr = TV.Create(negLearningRate);
        if (momentum)
        {
            var bv = (TV.Load(ref b, i) * TV.Create(mu)) + (gv / avg);
            TV.Store(bv, ref b, i);
            TV.Store(TV.MulAdd(lr, bv, pv), ref p, i);
        }
        else
        {
            TV.Store(pv + (lr * gv / avg), ref p, i);
        }
    }
}
