using System.Collections;

namespace Descent.Training;

/// <summary>
/// Iterates a <see cref="Dataset"/> in mini-batches, optionally shuffled and dropping the last incomplete
/// batch. Each enumeration is one epoch.
/// </summary>
/// <remarks>
/// Shuffling is seeded and stateless across epochs: the order of epoch e is a Fisher–Yates shuffle with
/// <c>new Rng(seed + (e + 1) × 0x9E3779B97F4A7C15)</c>, so epoch e has the same order in a resumed run as in
/// an uninterrupted one (set <see cref="Epoch"/> when resuming); so is the optional <see cref="Augmentation"/>. Enumerating the loader uses
/// <see cref="Epoch"/> and then advances it; <see cref="Batches(int)"/> gives a given epoch.
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    /// <summary>Creates a loader.</summary>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, ulong seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
    }

    /// <summary>The dataset.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the samples in a new seeded order.</summary>
    public bool Shuffle { get; }

    /// <summary>The shuffling seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Random transforms applied to every batch's inputs (e.g. shifts and flips of training images), or
    /// null; seeded and stateless like the shuffling (<see cref="ImageAugmentation"/>).</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>This loader's shard of every batch (0-based; default 0), see <see cref="Shard"/>.</summary>
    public int ShardIndex { get; private init; }

    /// <summary>The number of shards every batch is split into (default 1: whole batches).</summary>
    public int ShardCount { get; private init; } = 1;

    /// <summary>The epoch the next enumeration yields (starts at 0).</summary>
    public int Epoch { get; set; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The same loader yielding only shard <paramref name="index"/> of <paramref name="count"/> of every batch, for
    /// data-parallel training (PyTorch's <c>DistributedSampler</c>): each global batch — same order, same augmentation — is
    /// split into <paramref name="count"/> contiguous runs of rows whose sizes differ by at most one (the first
    /// <c>size mod count</c> shards get one more), so the shards of all processes together are exactly the batch a single
    /// process would see. <see cref="BatchCount"/> stays the number of global batches.
    /// </summary>
    public DataLoader Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the shard index must be in [0, {count - 1}]");
        }

        if (count > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"{count} shards of batches of {BatchSize} samples would leave a shard empty: use a batch size of at least {count}");
        }

        return new DataLoader(Dataset, BatchSize, Shuffle, Seed, DropLast)
        {
            Augmentation = Augmentation,
            Epoch = Epoch,
            ShardIndex = index,
            ShardCount = count,
        };
    }

    /// <summary>The rows [start, start + count) of a batch of <paramref name="size"/> rows that shard
    /// <paramref name="index"/> of <paramref name="shards"/> holds.</summary>
    public static (int Start, int Count) ShardRange(int size, int index, int shards)
    {
        var q = size / shards;
        var r = size % shards;
        return ((index * q) + Math.Min(index, r), q + (index < r ? 1 : 0));
    }

    /// <summary>The sample order of epoch <paramref name="epoch"/>.</summary>
    public int[] Order(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var order = new int[Dataset.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (Shuffle)
        {
            new Rng(unchecked(Seed + ((ulong)(epoch + 1) * 0x9E3779B97F4A7C15UL))).Shuffle(order.AsSpan());
        }

        return order;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>.</summary>
    public IEnumerable<Batch> Batches(int epoch)
    {
        var order = Order(epoch);
        var n = BatchCount;
        var size = Dataset.SampleSize;
        var shape = new int[Dataset.SampleShape.Length + 1];
        Dataset.SampleShape.CopyTo(shape.AsSpan(1));
        for (var b = 0; b < n; b++)
        {
            var start = b * BatchSize;
            var count = Math.Min(BatchSize, order.Length - start);
            shape[0] = count;
            var inputs = new Tensor(shape);
            var labels = new int[count];
            var indices = new int[count];
            var dst = inputs.Span;
            var src = Dataset.Features.Span;
            for (var i = 0; i < count; i++)
            {
                var k = order[start + i];
                indices[i] = k;
                labels[i] = Dataset.Labels[k];
                src.Slice(k * size, size).CopyTo(dst.Slice(i * size, size));
            }

            Augmentation?.Apply(inputs, epoch, b);
            var batch = new Batch(inputs, labels, indices);
            yield return ShardCount == 1 ? batch : batch.Shard(ShardIndex, ShardCount);
        }
    }

    /// <inheritdoc />
    public IEnumerator<Batch> GetEnumerator() => Batches(Epoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
