namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Lion"/>. Defaults are Optax's (<c>optax.lion</c>): b1 0.9, b2 0.99,
/// weight_decay 1e-3; Optax has no default learning rate, Descent uses 1e-4 (the paper's advice: 3–10× smaller
/// than AdamW's).
/// </summary>
public sealed record LionOptions : OptimizerOptions
{
    /// <summary>Creates the default options.</summary>
    public LionOptions() => LearningRate = 1e-4;

    /// <summary>Interpolation between momentum and gradient for the sign (Optax <c>b1</c>); in [0, 1].</summary>
    [Hyperparameter("beta1", Tuple = "betas")]
    public double Beta1 { get; init => field = Require.UnitClosed(value, nameof(Beta1)); } = 0.9;

    /// <summary>Decay of the momentum (Optax <c>b2</c>); in [0, 1].</summary>
    [Hyperparameter("beta2", Tuple = "betas")]
    public double Beta2 { get; init => field = Require.UnitClosed(value, nameof(Beta2)); } = 0.99;

    /// <summary>Decoupled weight decay, multiplied by the learning rate (Optax <c>weight_decay</c>); ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); } = 1e-3;
}
