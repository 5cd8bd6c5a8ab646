namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="Adadelta"/>, with PyTorch's defaults: lr 1.0, ρ 0.9, ε 1e-6,
/// weight decay 0, maximize off.</summary>
public sealed record AdadeltaOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdadeltaOptions() => LearningRate = 1.0;

    /// <summary>Decay of both running averages (PyTorch: <c>rho</c>); in [0, 1].</summary>
    [Hyperparameter("rho")]
    public double Rho { get; init => field = Require.UnitClosed(value, nameof(Rho)); } = 0.9;

    /// <summary>Added inside both square roots (PyTorch: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-6;

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
