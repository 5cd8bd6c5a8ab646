using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one Adamax update, rounded to float32 as PyTorch passes them.</summary>
public readonly record struct AdamaxStepScalars
{
    /// <summary>The lerp weight 1 − β1.</summary>
    public float Beta1Weight { get; init; }

    /// <summary>β2, the decay of the infinity norm.</summary>
    public float Beta2 { get; init; }

    /// <summary>ε, added to |g| before the maximum.</summary>
    public float Epsilon { get; init; }

    /// <summary>−lr / (1 − β1ᵗ).</summary>
    public float NegStepSize { get; init; }

    /// <summary>L2 weight decay added to the gradient; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>Computes the constants for step <paramref name="step"/> (1-based).</summary>
    public static AdamaxStepScalars Create(
        double learningRate, double beta1, double beta2, double eps, double weightDecay, bool maximize, long step) => new()
    {
        Beta1Weight = (float)(1 - beta1),
        Beta2 = (float)beta2,
        Epsilon = (float)eps,
        NegStepSize = (float)-(learningRate / (1 - Math.Pow(beta1, step))),
        WeightDecay = (float)weightDecay,
        Maximize = maximize,
    };
}
