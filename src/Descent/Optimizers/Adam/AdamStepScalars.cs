using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The per-step constants of one Adam/AdamW update of one parameter, computed once (in double, as PyTorch
/// does in Python) and rounded to float32 the way PyTorch passes scalars to its float32 kernels.
/// </summary>
public readonly record struct AdamStepScalars
{
    /// <summary>The lerp weight 1 − β1 of the first moment.</summary>
    public float Beta1Weight { get; init; }

    /// <summary>β2.</summary>
    public float Beta2 { get; init; }

    /// <summary>1 − β2.</summary>
    public float OneMinusBeta2 { get; init; }

    /// <summary>√(1 − β2ᵗ).</summary>
    public float BiasCorrection2Sqrt { get; init; }

    /// <summary>ε, added outside the square root (per step for <see cref="AdamEpsilonConvention.EpsilonHat"/>).</summary>
    public float Epsilon { get; init; }

    /// <summary>Added to v inside the square root: ε·(1 − β₂ᵗ) for <see cref="AdamEpsilonConvention.InsideRoot"/>
    /// (√(v + ε·bc₂)/√bc₂ = √(v̂ + ε)); 0 otherwise, which leaves every value bit-identical.</summary>
    public float EpsInsideRoot { get; init; }

    /// <summary>−lr / (1 − β1ᵗ).</summary>
    public float NegStepSize { get; init; }

    /// <summary>Coupled L2 weight decay added to the gradient (Adam); 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Decoupled decay factor 1 − lr·wd applied to the parameter first (AdamW); 1 for none.</summary>
    public float DecayFactor { get; init; }

    /// <summary>Whether the decoupled factor is applied.</summary>
    public bool Decoupled { get; init; }

    /// <summary>Whether the running maximum of the second moment is kept and used.</summary>
    public bool Amsgrad { get; init; }

    /// <summary>Whether the gradient is negated (maximize the objective).</summary>
    public bool Maximize { get; init; }

    /// <summary>Computes the constants for step <paramref name="step"/> (1-based).</summary>
    public static AdamStepScalars Create(
        double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool decoupled, bool amsgrad, bool maximize, long step,
        AdamEpsilonConvention epsilonConvention = AdamEpsilonConvention.PyTorch)
    {
        var bc1 = 1 - Math.Pow(beta1, step);
        var bc2 = 1 - Math.Pow(beta2, step);
        return new AdamStepScalars
        {
            Beta1Weight = (float)(1 - beta1),
            Beta2 = (float)beta2,
            OneMinusBeta2 = (float)(1 - beta2),
            BiasCorrection2Sqrt = (float)Math.Sqrt(bc2),
            Epsilon = epsilonConvention switch
            {
                AdamEpsilonConvention.EpsilonHat => (float)(eps / Math.Sqrt(bc2)),
                AdamEpsilonConvention.InsideRoot => 0f,
                _ => (float)eps,
            },
            EpsInsideRoot = epsilonConvention == AdamEpsilonConvention.InsideRoot ? (float)(eps * bc2) : 0f,
            NegStepSize = (float)-(learningRate / bc1),
            WeightDecay = decoupled ? 0f : (float)weightDecay,
            DecayFactor = decoupled ? (float)(1 - (learningRate * weightDecay)) : 1f,
            Decoupled = decoupled && weightDecay != 0,
            Amsgrad = amsgrad,
            Maximize = maximize,
        };
    }
}
