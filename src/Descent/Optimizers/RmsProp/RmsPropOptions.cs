namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="RmsProp"/>, with PyTorch's defaults: lr 1e-2, α 0.99, ε 1e-8,
/// weight decay 0, momentum 0, not centered, maximize off.</summary>
public sealed record RmsPropOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public RmsPropOptions() => LearningRate = 1e-2;

    /// <summary>Smoothing constant of the squared-gradient average (PyTorch: <c>alpha</c>); in [0, 1].</summary>
    [Hyperparameter("alpha")]
    public double Alpha { get; init => field = Require.UnitClosed(value, nameof(Alpha)); } = 0.99;

    /// <summary>Added to the denominator outside the square root (PyTorch: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-8;

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Momentum factor (PyTorch: <c>momentum</c>); finite, ≥ 0; 0 disables the buffer.</summary>
    [Hyperparameter("momentum")]
    public double Momentum { get; init => field = Require.NonNegative(value, nameof(Momentum)); }

    /// <summary>Normalize by an estimate of the gradient's variance (PyTorch: <c>centered</c>).</summary>
    [Hyperparameter("centered")]
    public bool Centered { get; init; }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
