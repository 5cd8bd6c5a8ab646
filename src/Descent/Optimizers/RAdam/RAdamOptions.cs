namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="RAdam"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (coupled unless <see cref="DecoupledWeightDecay"/>), maximize off.</summary>
public sealed record RAdamOptions : MomentOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public RAdamOptions() => LearningRate = 1e-3;

    /// <summary>Weight decay (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Decoupled weight decay, as in AdamW (PyTorch: <c>decoupled_weight_decay</c>).</summary>
    [Hyperparameter("decoupled_weight_decay")]
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
