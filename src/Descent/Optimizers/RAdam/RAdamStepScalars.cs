using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one RAdam update (rectification computed in double, as PyTorch), rounded to float32.</summary>
public readonly record struct RAdamStepScalars
{
    /// <summary>The lerp weight 1 − β1.</summary>
    public float Beta1Weight { get; init; }

    /// <summary>β2.</summary>
    public float Beta2 { get; init; }

    /// <summary>1 − β2.</summary>
    public float OneMinusBeta2 { get; init; }

    /// <summary>1 − β1ᵗ (m is divided by it).</summary>
    public float BiasCorrection1 { get; init; }

    /// <summary>The learning rate.</summary>
    public float LearningRate { get; init; }

    /// <summary>Whether the variance is tractable (ρₜ &gt; 5) and the adaptive, rectified step is taken.</summary>
    public bool Rectified { get; init; }

    /// <summary>√(1 − β2ᵗ).</summary>
    public float BiasCorrection2Sqrt { get; init; }

    /// <summary>The rectification term r (1 when not rectified).</summary>
    public float Rectification { get; init; }

    /// <summary>ε.</summary>
    public float Epsilon { get; init; }

    /// <summary>Coupled L2 weight decay; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Decoupled decay factor 1 − lr·wd.</summary>
    public float DecayFactor { get; init; }

    /// <summary>Whether the decoupled factor is applied.</summary>
    public bool Decoupled { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>Computes the constants for step <paramref name="step"/> (1-based).</summary>
    public static RAdamStepScalars Create(
        double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool decoupled, bool maximize, long step)
    {
        var bc1 = 1 - Math.Pow(beta1, step);
        var bc2 = 1 - Math.Pow(beta2, step);
        var rhoInf = (2 / (1 - beta2)) - 1;
        var rhoT = rhoInf - (2 * step * Math.Pow(beta2, step) / bc2);
        var rectified = rhoT > 5.0;
        var rect = rectified
            ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
            : 1.0;
        return new RAdamStepScalars
        {
            Beta1Weight = (float)(1 - beta1),
            Beta2 = (float)beta2,
            OneMinusBeta2 = (float)(1 - beta2),
            BiasCorrection1 = (float)bc1,
            LearningRate = (float)learningRate,
            Rectified = rectified,
            BiasCorrection2Sqrt = (float)Math.Sqrt(bc2),
            Rectification = (float)rect,
            Epsilon = (float)eps,
            WeightDecay = decoupled ? 0f : (float)weightDecay,
            DecayFactor = decoupled ? (float)(1 - (learningRate * weightDecay)) : 1f,
            Decoupled = decoupled && weightDecay != 0,
            Maximize = maximize,
        };
    }
}
