using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused NAdam update (PyTorch's <c>_single_tensor_nadam</c> order, float32); buffers a = exp_avg,
/// b = exp_avg_sq: <see cref="AdamMoments"/>, then
/// <code>
/// d = √(v / (1 − β2ᵗ)) + ε
/// p = p + c_g·g / d;   p = p + c_m·m / d       (c_g, c_m: this kernel's constructor)
/// </code>
/// </summary>
internal readonly struct NAdamKernel : IElementwiseUpdate
{
    private readonly AdamMoments moments;
    private readonly float biasCorrection2, epsilon, gradCoefficient, momentumCoefficient;

    /// <summary>The update for one step: the per-step constants computed once (in double, as PyTorch does in Python)
    /// and rounded to float32; multiplies the float32 running product of μ (<paramref name="muProduct"/>) by this step's μ.</summary>
    public NAdamKernel(
        double learningRate, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
        bool decoupled, bool maximize, long step, ref float muProduct)
    {
        var mu = beta1 * (1.0 - (0.5 * Math.Pow(0.96, step * momentumDecay)));
        var muNext = beta1 * (1.0 - (0.5 * Math.Pow(0.96, (step + 1) * momentumDecay)));
        muProduct *= (float)mu;
        double product = muProduct;
        var productNext = product * muNext;
        moments = AdamMoments.Create(learningRate, beta1, beta2, weightDecay, decoupled, maximize);
        biasCorrection2 = (float)(1 - Math.Pow(beta2, step));
        epsilon = (float)eps;
        gradCoefficient = (float)(-learningRate * (1.0 - mu) / (1.0 - product));
        momentumCoefficient = (float)(-learningRate * muNext / (1.0 - productNext));
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float expAvg, ref float expAvgSq, ref float unused)
    {
        var p = param;
        moments.Scalar(ref p, ref grad, ref expAvg, ref expAvgSq);
        var denom = MathF.Sqrt(expAvgSq / biasCorrection2) + epsilon;
        p += gradCoefficient * grad / denom;
        param = p + (momentumCoefficient * expAvg / denom);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, ref float unused, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        moments.Vector(ref p, ref g, ref m, ref v, i, out TV pv, out TV gv, out TV mv, out TV vv);
        var denom = TV.Sqrt(vv / TV.Create(biasCorrection2)) + TV.Create(epsilon);
        pv += TV.Create(gradCoefficient) * gv / denom;
        TV.Store(pv + (TV.Create(momentumCoefficient) * mv / denom), ref p, i);
    }
}
