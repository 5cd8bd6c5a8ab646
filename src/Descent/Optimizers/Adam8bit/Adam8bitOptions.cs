namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adam8bit"/>, with bitsandbytes' defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 0 (decoupled when set), 8-bit block-wise moments, min_8bit_size 4096, the CUDA convention.
/// </summary>
public sealed record Adam8bitOptions : Adam8bitFamilyOptions
{
    /// <summary>Creates the options with bitsandbytes' defaults.</summary>
    public Adam8bitOptions() => LearningRate = 1e-3;
}
