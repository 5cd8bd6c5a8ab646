using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused Adam/AdamW update: one pass reads p, g, m, v (and v_max) and writes p, m, v (and v_max); buffers
/// a = exp_avg, b = exp_avg_sq, c = max_exp_avg_sq (AMSGrad only). Per element, in PyTorch's float32 operation
/// order (<c>_single_tensor_adam</c>): <see cref="AdamMoments"/>, then
/// <code>
/// amsgrad: v_max = max(v_max, v), used below instead of v
/// p = p + (−lr/(1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// </summary>
internal readonly struct AdamKernel : IElementwiseUpdate
{
    private readonly AdamMoments moments;
    private readonly bool amsgrad;
    private readonly float epsInsideRoot, biasCorrection2Sqrt, epsilon, negStepSize;

    /// <summary>The update for one step: the per-step constants computed once (in double, as PyTorch does in Python)
    /// and rounded to float32 the way PyTorch passes scalars to its float32 kernels.</summary>
    public AdamKernel(
        double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool decoupled, bool amsgrad, bool maximize, long step,
        AdamEpsilonConvention epsilonConvention = AdamEpsilonConvention.PyTorch)
    {
        var bc1 = 1 - Math.Pow(beta1, step);
        var bc2 = 1 - Math.Pow(beta2, step);
        moments = AdamMoments.Create(learningRate, beta1, beta2, weightDecay, decoupled, maximize);
        this.amsgrad = amsgrad;
        epsInsideRoot = epsilonConvention == AdamEpsilonConvention.InsideRoot ? (float)(eps * bc2) : 0f;
        biasCorrection2Sqrt = (float)Math.Sqrt(bc2);
        epsilon = epsilonConvention switch
        {
            AdamEpsilonConvention.EpsilonHat => (float)(eps / Math.Sqrt(bc2)),
            AdamEpsilonConvention.InsideRoot => 0f,
            _ => (float)eps,
        };
        negStepSize = (float)-(learningRate / bc1);
    }

    /// <summary>ε, added outside the square root (per step for <see cref="AdamEpsilonConvention.EpsilonHat"/>).</summary>
    internal float Epsilon => epsilon;

    /// <summary>Added to v inside the square root: ε·(1 − β₂ᵗ) for <see cref="AdamEpsilonConvention.InsideRoot"/>
    /// (√(v + ε·bc₂)/√bc₂ = √(v̂ + ε)); 0 otherwise, which leaves every value bit-identical.</summary>
    internal float EpsInsideRoot => epsInsideRoot;

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float expAvg, ref float expAvgSq, ref float maxExpAvgSq)
    {
        var p = param;
        moments.Scalar(ref p, ref grad, ref expAvg, ref expAvgSq);
        var v = expAvgSq;
        if (amsgrad)
        {
            v = MathF.Max(maxExpAvgSq, v);
            maxExpAvgSq = v;
        }

        var denom = (MathF.Sqrt(v + epsInsideRoot) / biasCorrection2Sqrt) + epsilon;
        param = p + (negStepSize * expAvg / denom);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, ref float vm, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        moments.Vector(ref p, ref g, ref m, ref v, i, out TV pv, out TV _, out TV mv, out TV vv);
        if (amsgrad)
        {
            vv = TV.Max(TV.Load(ref vm, i), vv);
            TV.Store(vv, ref vm, i);
        }

        var denom = (TV.Sqrt(vv + TV.Create(epsInsideRoot)) / TV.Create(biasCorrection2Sqrt)) + TV.Create(epsilon);
        TV.Store(pv + (TV.Create(negStepSize) * mv / denom), ref p, i);
    }
}
