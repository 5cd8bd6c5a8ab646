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

    /// <summary>
    /// Shard <paramref name="index"/> of <paramref name="count"/> of this batch, for data-parallel training: the contiguous
    /// rows <see cref="DataLoader.ShardRange"/> gives that shard (sizes differ by at most one; the first <c>Count mod count</c>
    /// shards get one more), copied into a batch of their own; the shards together are this batch. A shard is empty when the
    /// batch has fewer rows than shards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive or <paramref name="index"/> is not in [0, count).</exception>
    public Batch Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the shard index must be in [0, {count - 1}]");
        }

        var (start, rows) = DataLoader.ShardRange(Count, index, count);
        var shape = Inputs.Shape.ToArray();
        var size = 1;
        for (var i = 1; i < shape.Length; i++)
        {
            size *= shape[i];
        }

        shape[0] = rows;
        var local = new Tensor(shape);
        Inputs.Span.Slice(start * size, rows * size).CopyTo(local.Span);
        return new Batch(local, Labels.AsSpan(start, rows).ToArray(), Indices.AsSpan(start, rows).ToArray());
    }
}
