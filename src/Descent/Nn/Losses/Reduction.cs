namespace Descent.Nn.Losses;

/// <summary>How a loss combines the per-element losses.</summary>
public enum Reduction
{
    /// <summary>The mean over all elements (PyTorch's default, reduction='mean').</summary>
    Mean,

    /// <summary>The sum over all elements (reduction='sum').</summary>
    Sum,
}
