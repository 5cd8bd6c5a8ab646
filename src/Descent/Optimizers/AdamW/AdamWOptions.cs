namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="AdamW"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 1e-2 (decoupled), AMSGrad off, maximize off.
/// </summary>
public sealed record AdamWOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdamWOptions() => LearningRate = 1e-3;

    /// <summary>Decay of the first-moment average (PyTorch: <c>betas[0]</c>); in [0, 1).</summary>
    [Hyperparameter("beta1", Tuple = "betas")]
    public double Beta1 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta1)); } = 0.9;

    /// <summary>Decay of the second-moment average (PyTorch: <c>betas[1]</c>); in [0, 1).</summary>
    [Hyperparameter("beta2", Tuple = "betas")]
    public double Beta2 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta2)); } = 0.999;

    /// <summary>Added to the denominator outside the square root (PyTorch: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-8;

    /// <summary>Decoupled weight decay: the parameter is multiplied by 1 − lr·wd before the Adam step (PyTorch:
    /// <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); } = 1e-2;

    /// <summary>Where <see cref="Epsilon"/> enters the denominator: PyTorch's outside √v̂ (default), Keras /
    /// scikit-learn's "epsilon hat" on the uncorrected √v, or Optax's eps_root inside the root (see
    /// <see cref="AdamEpsilonConvention"/>).</summary>
    [Hyperparameter("eps_convention")]
    public AdamEpsilonConvention EpsilonConvention
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(EpsilonConvention), value, $"{nameof(EpsilonConvention)} must be one of {string.Join(", ", Enum.GetNames<AdamEpsilonConvention>())}, got {value}");
    }

    /// <summary>Use the running maximum of the second moment (PyTorch: <c>amsgrad</c>).</summary>
    [Hyperparameter("amsgrad")]
    public bool Amsgrad { get; init; }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
