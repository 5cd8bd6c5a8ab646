using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one RMSprop update, rounded to float32 as PyTorch passes them.</summary>
public readonly record struct RmsPropStepScalars
{
    /// <summary>The smoothing constant α.</summary>
    public float Alpha { get; init; }

    /// <summary>1 − α (also the lerp weight of the centered gradient average).</summary>
    public float OneMinusAlpha { get; init; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; init; }

    /// <summary>−lr.</summary>
    public float NegLearningRate { get; init; }

    /// <summary>Momentum factor μ; 0 for none.</summary>
    public float Momentum { get; init; }

    /// <summary>L2 weight decay added to the gradient; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Centered: normalize by an estimate of the variance (keeps a gradient average).</summary>
    public bool Centered { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>Builds the constants from the hyperparameters.</summary>
    public static RmsPropStepScalars Create(
        double learningRate, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) => new()
    {
        Alpha = (float)alpha,
        OneMinusAlpha = (float)(1 - alpha),
        Epsilon = (float)eps,
        NegLearningRate = (float)-learningRate,
        Momentum = (float)momentum,
        WeightDecay = (float)weightDecay,
        Centered = centered,
        Maximize = maximize,
    };
}
