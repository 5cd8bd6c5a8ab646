using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one Adagrad update, rounded to float32 as PyTorch passes them.</summary>
public readonly record struct AdagradStepScalars
{
    /// <summary>−lr / (1 + (t − 1)·lr_decay).</summary>
    public float NegStepSize { get; init; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; init; }

    /// <summary>L2 weight decay added to the gradient; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>Computes the constants for step <paramref name="step"/> (1-based).</summary>
    public static AdagradStepScalars Create(
        double learningRate, double learningRateDecay, double eps, double weightDecay, bool maximize, long step) => new()
    {
        NegStepSize = (float)-(learningRate / (1 + ((step - 1) * learningRateDecay))),
        Epsilon = (float)eps,
        WeightDecay = (float)weightDecay,
        Maximize = maximize,
    };
}
