namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters shared by <see cref="Adam"/> (<see cref="AdamOptions"/>) and <see cref="AdamW"/>
/// (<see cref="AdamWOptions"/>), declared once: β₁, β₂, ε, the moments' storage precision
/// (<see cref="LowPrecisionMomentOptions"/>: float32 by default, which is PyTorch's update bit for bit), then in
/// PyTorch's order weight decay, ε convention, AMSGrad, maximize. The two differ in how the decay is applied and in
/// its default.
/// </summary>
public abstract record AdamFamilyOptions : LowPrecisionMomentOptions
{
    /// <summary>Weight decay (PyTorch: <c>weight_decay</c>): an L2 penalty added to the gradient for Adam; for AdamW
    /// decoupled, the parameter multiplied by 1 − lr·wd before the Adam step; finite, ≥ 0.</summary>
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
