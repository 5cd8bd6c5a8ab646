namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="RAdam"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (coupled unless <see cref="DecoupledWeightDecay"/>), maximize off.</summary>
public sealed record RAdamOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public RAdamOptions() => LearningRate = 1e-3;

    /// <summary>Decay of the first-moment average (PyTorch: <c>betas[0]</c>); in [0, 1).</summary>
    [Hyperparameter("beta1", Tuple = "betas")]
    public double Beta1 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta1)); } = 0.9;

    /// <summary>Decay of the second-moment average (PyTorch: <c>betas[1]</c>); in [0, 1).</summary>
    [Hyperparameter("beta2", Tuple = "betas")]
    public double Beta2 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta2)); } = 0.999;

    /// <summary>Added to √v (PyTorch: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-8;

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
