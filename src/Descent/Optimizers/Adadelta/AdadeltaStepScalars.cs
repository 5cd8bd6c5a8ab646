using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one Adadelta update, rounded to float32 as PyTorch passes them.</summary>
public readonly record struct AdadeltaStepScalars
{
    /// <summary>The decay ρ of both running averages.</summary>
    public float Rho { get; init; }

    /// <summary>1 − ρ.</summary>
    public float OneMinusRho { get; init; }

    /// <summary>ε, added inside both square roots.</summary>
    public float Epsilon { get; init; }

    /// <summary>−lr.</summary>
    public float NegLearningRate { get; init; }

    /// <summary>L2 weight decay added to the gradient; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>Builds the constants from the hyperparameters.</summary>
    public static AdadeltaStepScalars Create(double learningRate, double rho, double eps, double weightDecay, bool maximize) => new()
    {
        Rho = (float)rho,
        OneMinusRho = (float)(1 - rho),
        Epsilon = (float)eps,
        NegLearningRate = (float)-learningRate,
        WeightDecay = (float)weightDecay,
        Maximize = maximize,
    };
}
