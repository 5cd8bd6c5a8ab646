using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one NAdam update, computed as PyTorch does (double in Python,
/// <c>mu_product</c> as a float32 tensor) and rounded to float32.</summary>
public readonly record struct NAdamStepScalars
{
    /// <summary>The lerp weight 1 − β1.</summary>
    public float Beta1Weight { get; init; }

    /// <summary>β2.</summary>
    public float Beta2 { get; init; }

    /// <summary>1 − β2.</summary>
    public float OneMinusBeta2 { get; init; }

    /// <summary>1 − β2ᵗ (v is divided by it before the square root).</summary>
    public float BiasCorrection2 { get; init; }

    /// <summary>ε.</summary>
    public float Epsilon { get; init; }

    /// <summary>−lr·(1 − μₜ)/(1 − Πμ), the gradient's coefficient.</summary>
    public float GradCoefficient { get; init; }

    /// <summary>−lr·μₜ₊₁/(1 − Πμ·μₜ₊₁), the momentum's coefficient.</summary>
    public float MomentumCoefficient { get; init; }

    /// <summary>Coupled L2 weight decay; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Decoupled decay factor 1 − lr·wd.</summary>
    public float DecayFactor { get; init; }

    /// <summary>Whether the decoupled factor is applied.</summary>
    public bool Decoupled { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>
    /// Computes the constants for step <paramref name="step"/> (1-based) and advances the running product of
    /// momentum coefficients <paramref name="muProduct"/> (float32, as PyTorch's state tensor).
    /// </summary>
    public static NAdamStepScalars Create(
        double learningRate, double beta1, double beta2, double eps, double weightDecay, double momentumDecay,
        bool decoupled, bool maximize, long step, ref float muProduct)
    {
        var mu = beta1 * (1.0 - (0.5 * Math.Pow(0.96, step * momentumDecay)));
        var muNext = beta1 * (1.0 - (0.5 * Math.Pow(0.96, (step + 1) * momentumDecay)));
        muProduct *= (float)mu;
        double product = muProduct;
        var productNext = product * muNext;
        return new NAdamStepScalars
        {
            Beta1Weight = (float)(1 - beta1),
            Beta2 = (float)beta2,
            OneMinusBeta2 = (float)(1 - beta2),
            BiasCorrection2 = (float)(1 - Math.Pow(beta2, step)),
            Epsilon = (float)eps,
            GradCoefficient = (float)(-learningRate * (1.0 - mu) / (1.0 - product)),
            MomentumCoefficient = (float)(-learningRate * muNext / (1.0 - productNext)),
            WeightDecay = decoupled ? 0f : (float)weightDecay,
            DecayFactor = decoupled ? (float)(1 - (learningRate * weightDecay)) : 1f,
            Decoupled = decoupled && weightDecay != 0,
            Maximize = maximize,
        };
    }
}
