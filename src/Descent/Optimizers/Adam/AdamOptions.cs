namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adam"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (coupled L2), AMSGrad off, maximize off.
/// </summary>
public sealed record AdamOptions : AdamFamilyOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdamOptions() => LearningRate = 1e-3;
}
