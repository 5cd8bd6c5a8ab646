using Descent.Data;
using Descent.Training;

namespace Descent.Tests.Training;

public sealed class DatasetTests
{
    private static Dataset Toy(int n, int classes)
    {
        var f = new Tensor(n, 2);
        for (var i = 0; i < n; i++)
        {
            f[i, 0] = i;
            f[i, 1] = -i;
        }

        return new Dataset(f, Enumerable.Range(0, n).Select(i => i % classes).ToArray(), classes);
    }

    [Fact]
    public void DigitsIsScikitLearnsTable()
    {
        var d = Datasets.Digits();
        Assert.Equal(1797, d.Count);
        Assert.Equal(10, d.NumClasses);
        Assert.Equal([64], d.SampleShape.ToArray());
        // scikit-learn's load_digits(): class counts and the first image's first row (0 0 5 13 9 1 0 0) / 16.
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], d.ClassCounts());
        Assert.Equal([0f, 0f, 5f / 16, 13f / 16, 9f / 16, 1f / 16, 0f, 0f], d.Sample(0)[..8].ToArray());
        Assert.Equal(0, d.Labels[0]);
        Assert.Equal(8, d.Labels[^1]);
        Assert.Equal(0f, d.Features.Span.ToArray().Min());
        Assert.Equal(1f, d.Features.Span.ToArray().Max());
        Assert.Contains("BSD", Datasets.DigitsLicense(), StringComparison.Ordinal);
        var images = d.Reshape(1, 8, 8);
        Assert.Equal([1797, 1, 8, 8], images.Features.Shape.ToArray());
    }

    [Fact]
    public void ShippedFashionMnistSubsetIsBalanced()
    {
        var dir = Path.Combine(Infrastructure.Golden.RepositoryRoot, "data", "fashion-mnist-subset");
        var train = FashionMnist.Load(true, dir);
        var test = FashionMnist.Load(false, dir);
        Assert.Equal(3000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.All(train.ClassCounts(), c => Assert.Equal(300, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(100, c));
        Assert.Equal([1, 28, 28], train.SampleShape.ToArray());
        Assert.Equal("Ankle boot", train.ClassNames[9]);
        var values = train.Features.Span;
        var max = 0f;
        foreach (var v in values)
        {
            Assert.InRange(v, 0f, 1f);
            max = Math.Max(max, v);
        }

        Assert.Equal(1f, max);
    }

    [Fact]
    public void MissingFashionMnistSaysHowToInstall()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(true, "/nonexistent/fmnist"));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StratifiedSplitKeepsProportionsAndIsSeeded()
    {
        var d = Toy(100, 4);
        var (train, val) = d.Split(0.2, seed: 3);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, val.Count);
        Assert.Equal([5, 5, 5, 5], val.ClassCounts());
        var all = train.Features.Span.ToArray().Where((_, i) => i % 2 == 0).Concat(val.Features.Span.ToArray().Where((_, i) => i % 2 == 0)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), all);
        var (_, val2) = d.Split(0.2, seed: 3);
        Assert.Equal(val.Features.ToArray(), val2.Features.ToArray());
        var (_, val3) = d.Split(0.2, seed: 4);
        Assert.NotEqual(val.Features.ToArray(), val3.Features.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Split(1.5, 0));
    }

    [Fact]
    public void TakePerClassAndSelectClasses()
    {
        var d = Toy(50, 5);
        var few = d.TakePerClass(3, seed: 1);
        Assert.Equal([3, 3, 3, 3, 3], few.ClassCounts());
        var upper = d.SelectClasses(3, 4);
        Assert.Equal(2, upper.NumClasses);
        Assert.Equal(20, upper.Count);
        Assert.Equal(3f, upper.Features[0, 0]);
        Assert.Equal(0, upper.Labels[0]);
        Assert.Equal(1, upper.Labels[1]);
    }

    [Fact]
    public void NormalizationMatchesDoublePrecisionStatistics()
    {
        var d = Toy(10, 2);
        var n = Normalization.Fit(d);
        var values = d.Features.Span.ToArray().Select(v => (double)v).ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal((float)mean, n.Mean[0]);
        Assert.Equal((float)std, n.Std[0]);
        var z = d.Normalize(n);
        Assert.Equal((float)((values[3] - mean) / std), z.Features[3], 5);
        var perChannel = Normalization.Fit(d, perChannel: true);
        Assert.Equal(2, perChannel.Mean.Count);
        Assert.Equal(4.5f, perChannel.Mean[0]);
        Assert.Equal(-4.5f, perChannel.Mean[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Normalization([0f], [0f]));
    }

    [Fact]
    public void ConstructorRejectsBadLabels()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new Tensor(2, 3), [0, 7], 5));
        Assert.Contains("label 1 is 7", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Dataset(new Tensor(3, 3), [0, 1], 5));
    }
}
