namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="AdamW8bit"/>, with bitsandbytes' defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8,
/// weight decay 1e-2 (decoupled), 8-bit block-wise moments, min_8bit_size 4096, the CUDA convention.
/// </summary>
public sealed record AdamW8bitOptions : Adam8bitFamilyOptions
{
    /// <summary>Creates the options with bitsandbytes' defaults.</summary>
    public AdamW8bitOptions()
    {
        LearningRate = 1e-3;
        WeightDecay = 1e-2;
    }
}
