using Descent.Training;

namespace Descent.Tests.Training;

public sealed class DataLoaderTests
{
    private static Dataset Toy(int n)
    {
        var f = new Tensor(n, 3);
        for (var i = 0; i < f.Length; i++)
        {
            f[i] = i;
        }

        return new Dataset(f, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);
    }

    [Fact]
    public void BatchesInOrderWithPartialLastBatch()
    {
        var loader = new DataLoader(Toy(10), batchSize: 4);
        var batches = loader.ToList();
        Assert.Equal(3, loader.BatchCount);
        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal([4, 3], batches[0].Inputs.Shape.ToArray());
        Assert.Equal([8, 9], batches[2].Indices);
        Assert.Equal([2, 0], batches[2].Labels);
        Assert.Equal([24f, 25f, 26f, 27f, 28f, 29f], batches[2].Inputs.ToArray());
    }

    [Fact]
    public void DropLastDropsTheIncompleteBatch()
    {
        var loader = new DataLoader(Toy(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.BatchCount);
        Assert.Equal(2, loader.Count());
    }

    [Fact]
    public void ShuffleIsASeededPermutationPerEpoch()
    {
        var loader = new DataLoader(Toy(50), batchSize: 8, shuffle: true, seed: 11);
        var epoch0 = loader.SelectMany(b => b.Indices).ToArray();
        var epoch1 = loader.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(2, loader.Epoch);
        Assert.Equal(Enumerable.Range(0, 50), epoch0.Order());
        Assert.Equal(Enumerable.Range(0, 50), epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(Enumerable.Range(0, 50), epoch0);

        // Resuming: a new loader with the same seed gives the same order for a given epoch.
        var resumed = new DataLoader(Toy(50), batchSize: 8, shuffle: true, seed: 11) { Epoch = 1 };
        Assert.Equal(epoch1, resumed.SelectMany(b => b.Indices).ToArray());

        // The documented derivation of the order.
        var expected = Enumerable.Range(0, 50).ToArray();
        new Rng(unchecked(11UL + (2 * 0x9E3779B97F4A7C15UL))).Shuffle(expected.AsSpan());
        Assert.Equal(expected, epoch1);
    }

    [Fact]
    public void BatchValuesComeFromTheirIndices()
    {
        var d = Toy(20);
        foreach (var b in new DataLoader(d, 6, shuffle: true, seed: 2))
        {
            for (var i = 0; i < b.Count; i++)
            {
                Assert.Equal(d.Sample(b.Indices[i]).ToArray(), b.Inputs.Span.Slice(i * 3, 3).ToArray());
                Assert.Equal(d.Labels[b.Indices[i]], b.Labels[i]);
            }
        }
    }
}
