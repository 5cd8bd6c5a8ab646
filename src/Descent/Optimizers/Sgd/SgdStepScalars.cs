using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>The per-step constants of one SGD update of one parameter, rounded to float32 as PyTorch passes them.</summary>
public readonly record struct SgdStepScalars
{
    /// <summary>−lr.</summary>
    public float NegLearningRate { get; init; }

    /// <summary>L2 weight decay added to the gradient; 0 for none.</summary>
    public float WeightDecay { get; init; }

    /// <summary>The momentum factor μ; 0 disables the buffer.</summary>
    public float Momentum { get; init; }

    /// <summary>1 − dampening.</summary>
    public float DampeningComplement { get; init; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Negate the gradient.</summary>
    public bool Maximize { get; init; }

    /// <summary>The buffer is initialized to the gradient (its first use: no decay, no dampening).</summary>
    public bool InitializeBuffer { get; init; }

    /// <summary>Builds the constants from the hyperparameters.</summary>
    public static SgdStepScalars Create(
        double learningRate, double momentum, double dampening, double weightDecay,
        bool nesterov, bool maximize, bool initializeBuffer) => new()
    {
        NegLearningRate = (float)-learningRate,
        WeightDecay = (float)weightDecay,
        Momentum = (float)momentum,
        DampeningComplement = (float)(1 - dampening),
        Nesterov = nesterov,
        Maximize = maximize,
        InitializeBuffer = initializeBuffer,
    };
}
