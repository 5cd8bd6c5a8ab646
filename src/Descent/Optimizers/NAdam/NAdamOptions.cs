namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="NAdam"/>, with PyTorch's defaults: lr 2e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (coupled unless <see cref="DecoupledWeightDecay"/>), momentum decay 4e-3, maximize off.</summary>
public sealed record NAdamOptions : MomentOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public NAdamOptions() => LearningRate = 2e-3;

    /// <summary>Weight decay (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>The momentum schedule's decay ψ (PyTorch: <c>momentum_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("momentum_decay")]
    public double MomentumDecay { get; init => field = Require.NonNegative(value, nameof(MomentumDecay)); } = 4e-3;

    /// <summary>Decoupled weight decay, as in AdamW — NAdamW (PyTorch: <c>decoupled_weight_decay</c>).</summary>
    [Hyperparameter("decoupled_weight_decay")]
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
