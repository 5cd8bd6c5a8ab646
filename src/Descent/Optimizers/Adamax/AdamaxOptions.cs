namespace Descent.Optimizers;

/// <summary>Hyperparameters of <see cref="Adamax"/>, with PyTorch's defaults: lr 2e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0, maximize off.</summary>
public sealed record AdamaxOptions : MomentOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdamaxOptions() => LearningRate = 2e-3;

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }
}
