namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adam"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (coupled L2), AMSGrad off, maximize off.
/// </summary>
public sealed record AdamOptions : MomentOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdamOptions() => LearningRate = 1e-3;

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Where <see cref="MomentOptions.Epsilon"/> enters the denominator: PyTorch's outside √v̂ (default), Keras /
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
