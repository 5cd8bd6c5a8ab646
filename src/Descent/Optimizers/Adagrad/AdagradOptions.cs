namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="Adagrad"/>, with PyTorch's defaults: lr 1e-2, lr decay 0, weight decay 0,
/// initial accumulator value 0, ε 1e-10, maximize off.</summary>
public sealed record AdagradOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdagradOptions() => LearningRate = 1e-2;

    /// <summary>The step size is lr/(1 + (t − 1)·decay) (PyTorch: <c>lr_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("lr_decay")]
    public double LearningRateDecay { get; init => field = Require.NonNegative(value, nameof(LearningRateDecay)); }

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Starting value of the sum of squares (PyTorch: <c>initial_accumulator_value</c>); finite, ≥ 0.</summary>
    [Hyperparameter("initial_accumulator_value")]
    public double InitialAccumulatorValue { get; init => field = Require.NonNegative(value, nameof(InitialAccumulatorValue)); }

    /// <summary>Added to the denominator outside the square root (PyTorch: <c>eps</c>); finite, ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-10;

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
