namespace Descent.Optimizers;

/// <summary>
/// Options shared by the optimizers that keep exponential moving averages of the gradient and its square
/// (Adam, AdamW, Adamax, NAdam, RAdam, LAMB, Yogi, AdaBelief): β₁, β₂ (PyTorch's <c>betas</c>, Optax's
/// <c>b1</c>, <c>b2</c>) and ε, with the usual defaults (0.9, 0.999, 1e-8; an optimizer with another ε sets it
/// in its constructor).
/// </summary>
public abstract record MomentOptions : OptimizerOptions
{
    /// <summary>Decay of the first-moment average (PyTorch: <c>betas[0]</c>, Optax: <c>b1</c>); in [0, 1).</summary>
    [Hyperparameter("beta1", Tuple = "betas")]
    public double Beta1 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta1)); } = 0.9;

    /// <summary>Decay of the second-moment average (PyTorch: <c>betas[1]</c>, Optax: <c>b2</c>); in [0, 1).</summary>
    [Hyperparameter("beta2", Tuple = "betas")]
    public double Beta2 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta2)); } = 0.999;

    /// <summary>Added to the denominator for numerical stability (PyTorch/Optax: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-8;
}
