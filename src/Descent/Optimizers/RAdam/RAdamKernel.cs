using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused RAdam update (PyTorch's <c>_single_tensor_radam</c> order, float32); buffers a = exp_avg,
/// b = exp_avg_sq: <see cref="AdamMoments"/>, then, with m̂ = m / (1 − β1ᵗ),
/// <code>
/// ρₜ &gt; 5:  p = p − m̂·lr·(√(1 − β2ᵗ)·(1/(√v + ε)))·r
/// else:    p = p − m̂·lr
/// </code>
/// </summary>
internal readonly struct RAdamKernel : IElementwiseUpdate
{
    private readonly AdamMoments moments;
    private readonly bool rectified;
    private readonly float biasCorrection1, learningRate, epsilon, biasCorrection2Sqrt, rectification;

    /// <summary>The update for one step: the per-step constants computed once (in double, as PyTorch does in Python)
    /// and rounded to float32 the way PyTorch passes scalars to its float32 kernels.</summary>
    public RAdamKernel(
        double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool decoupled, bool maximize, long step)
    {
        var bc1 = 1 - Math.Pow(beta1, step);
        var bc2 = 1 - Math.Pow(beta2, step);
        var rhoInf = (2 / (1 - beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(beta2, step) / bc2);
        moments = AdamMoments.Create(learningRate, beta1, beta2, weightDecay, decoupled, maximize);
        rectified = rhoT > 5.0;
        biasCorrection1 = (float)bc1;
        this.learningRate = (float)learningRate;
        epsilon = (float)eps;
        biasCorrection2Sqrt = (float)Math.Sqrt(bc2);
        rectification = rectified
            ? (float)Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
            : 1f;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float expAvg, ref float expAvgSq, ref float unused)
    {
        var p = param;
        moments.Scalar(ref p, ref grad, ref expAvg, ref expAvgSq);
        var update = expAvg / biasCorrection1 * learningRate;
        if (rectified)
        {
            var adaptive = 1f / (MathF.Sqrt(expAvgSq) + epsilon) * biasCorrection2Sqrt;
            update = update * adaptive * rectification;
        }

        param = p - update;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, ref float unused, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        moments.Vector(ref p, ref g, ref m, ref v, i, out TV pv, out TV _, out TV mv, out TV vv);
        var update = mv / TV.Create(biasCorrection1) * TV.Create(learningRate);
        if (rectified)
        {
            var adaptive = TV.Create(1f) / (TV.Sqrt(vv) + TV.Create(epsilon)) * TV.Create(biasCorrection2Sqrt);
            update = update * adaptive * TV.Create(rectification);
        }

        TV.Store(pv - update, ref p, i);
    }
}
