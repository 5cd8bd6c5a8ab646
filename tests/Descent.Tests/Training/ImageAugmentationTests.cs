using Descent.Training;

namespace Descent.Tests.Training;

public sealed class ImageAugmentationTests
{
    // 3×4 image:  1  2  3  4 /  5  6  7  8 /  9 10 11 12
    private static readonly float[] Image = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    private static float[] Transformed(bool flip, int dy, int dx)
    {
        var result = new float[12];
        ImageAugmentation.Transform(Image, result, 3, 4, flip, dy, dx);
        return result;
    }

    [Fact]
    public void ShiftMovesTheContentAndFillsWithZeros()
    {
        Assert.Equal(Image, Transformed(false, 0, 0));

        // dy = 1 moves the content down one row, dx = −1 left one column.
        Assert.Equal([0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0], Transformed(false, 1, -1));
        Assert.Equal([0, 0, 1, 2, 0, 0, 5, 6, 0, 0, 9, 10], Transformed(false, 0, 2));
        Assert.Equal([9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0], Transformed(false, -2, 0));
        Assert.Equal(new float[12], Transformed(false, 3, 0));
        Assert.Equal(new float[12], Transformed(false, 0, -4));
    }

    [Fact]
    public void FlipMirrorsEachRowBeforeTheShift()
    {
        Assert.Equal([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9], Transformed(true, 0, 0));
        Assert.Equal([0, 0, 4, 3, 0, 0, 8, 7, 0, 0, 12, 11], Transformed(true, 0, 2));
        Assert.Equal([0, 0, 0, 0, 3, 2, 1, 0, 7, 6, 5, 0], Transformed(true, 1, -1));
    }

    [Fact]
    public void TransformRejectsWrongSizesAndOverlap()
    {
        var small = new float[11];
        Assert.Throws<ArgumentException>(() => ImageAugmentation.Transform(Image, small, 3, 4, false, 0, 0));
        var buffer = new float[12];
        Assert.Throws<ArgumentException>(() => ImageAugmentation.Transform(buffer, buffer, 3, 4, false, 0, 0));
    }

    [Fact]
    public void OptionsValidateThemselves()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation { MaxShift = -1 });
        Assert.Equal("MaxShift", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation { MaxShift = 65 });
        Assert.True(new ImageAugmentation().IsIdentity);
        Assert.False(new ImageAugmentation { HorizontalFlip = true }.IsIdentity);
    }

    [Fact]
    public void ApplyDrawsFlipThenDyThenDxPerImageFromTheDocumentedSeed()
    {
        // Two two-channel 3×4 images; every channel of an image gets the same transform.
        var batch = new Tensor(2, 2, 3, 4);
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = Image[i % 12] + (100 * (i / 12));
        }

        var original = batch.ToArray();
        var augmentation = new ImageAugmentation { MaxShift = 2, HorizontalFlip = true, Seed = 17 };
        augmentation.Apply(batch, epoch: 3, batch: 5);

        var rng = new Rng(unchecked(17UL + (4 * 0x9E3779B97F4A7C15UL) + (6 * 0xBF58476D1CE4E5B9UL)));
        var expected = new float[original.Length];
        for (var n = 0; n < 2; n++)
        {
            var flip = (rng.NextUInt64() >> 63) == 1;
            var dy = rng.NextInt(5) - 2;
            var dx = rng.NextInt(5) - 2;
            for (var c = 0; c < 2; c++)
            {
                var at = ((n * 2) + c) * 12;
                ImageAugmentation.Transform(original.AsSpan(at, 12), expected.AsSpan(at, 12), 3, 4, flip, dy, dx);
            }
        }

        Assert.Equal(expected, batch.ToArray());
        Assert.NotEqual(original, batch.ToArray());
    }

    [Fact]
    public void FlipOnlyDrawsOneValuePerImageAndIdentityChangesNothing()
    {
        var batch = new Tensor(3, 3, 4);
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = Image[i % 12];
        }

        new ImageAugmentation { MaxShift = 0, Seed = 5 }.Apply(batch, 0, 0);
        Assert.Equal(Enumerable.Range(0, 36).Select(i => Image[i % 12]), batch.ToArray());

        new ImageAugmentation { HorizontalFlip = true, Seed = 5 }.Apply(batch, 0, 0);
        var rng = new Rng(unchecked(5UL + 0x9E3779B97F4A7C15UL + 0xBF58476D1CE4E5B9UL));
        float[] mirrored = [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9];
        for (var n = 0; n < 3; n++)
        {
            Assert.Equal((rng.NextUInt64() >> 63) == 1 ? mirrored : Image, batch.Span.Slice(n * 12, 12).ToArray());
        }
    }

    [Fact]
    public void LoaderAugmentsEachBatchStatelesslySoAResumedEpochMatches()
    {
        var features = new Tensor(10, 1, 3, 4);
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (i % 12) + 1 + (20 * (i / 12));
        }

        var data = new Dataset(features, [.. Enumerable.Range(0, 10).Select(i => i % 2)], 2);
        var augmentation = new ImageAugmentation { MaxShift = 1, HorizontalFlip = true, Seed = 9 };
        var plain = new DataLoader(data, 4, shuffle: true, seed: 3);
        var augmented = new DataLoader(data, 4, shuffle: true, seed: 3) { Augmentation = augmentation };
        var epochs = Enumerable.Range(0, 2).Select(_ => augmented.ToList()).ToList();

        for (var e = 0; e < 2; e++)
        {
            var b = 0;
            foreach (var expected in plain.Batches(e))
            {
                // Same samples and order as without augmentation; the inputs are those of Apply(epoch, batch).
                Assert.Equal(expected.Indices, epochs[e][b].Indices);
                augmentation.Apply(expected.Inputs, e, b);
                Assert.Equal(expected.Inputs.ToArray(), epochs[e][b].Inputs.ToArray());
                b++;
            }
        }

        var resumed = new DataLoader(data, 4, shuffle: true, seed: 3) { Augmentation = augmentation, Epoch = 1 };
        Assert.Equal(epochs[1].SelectMany(b => b.Inputs.ToArray()), resumed.SelectMany(b => b.Inputs.ToArray()));
        Assert.NotEqual(epochs[0].SelectMany(b => b.Inputs.ToArray()), epochs[1].SelectMany(b => b.Inputs.ToArray()));
    }
}
