namespace Descent.Training;

/// <summary>One mini-batch from a <see cref="DataLoader"/>: inputs [B, …sample shape], labels, and the
/// dataset indices of its samples.</summary>
public sealed class Batch
{
    internal Batch(Tensor inputs, int[] labels, int[] indices)
    {
        Inputs = inputs;
        Labels = labels;
        Indices = indices;
    }

    /// <summary>The inputs, [B, …sample shape] (a fresh tensor per batch).</summary>
    public Tensor Inputs { get; }

    /// <summary>The class labels.</summary>
    public int[] Labels { get; }

    /// <summary>The positions of these samples in the dataset.</summary>
    public int[] Indices { get; }

    /// <summary>Number of samples in the batch.</summary>
    public int Count => Labels.Length;
}
