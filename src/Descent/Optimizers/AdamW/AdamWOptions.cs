namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="AdamW"/>, with PyTorch's defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 1e-2 (decoupled), AMSGrad off, maximize off.
/// </summary>
public sealed record AdamWOptions : AdamFamilyOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public AdamWOptions()
    {
        LearningRate = 1e-3;
        WeightDecay = 1e-2;
    }
}
