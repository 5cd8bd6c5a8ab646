using Descent.Checkpoints;
using Descent.Data;
using Descent.Experiments.Transfer;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Experiments.Transfer;

public sealed class FashionTransferTests : IDisposable
{
    private static readonly string Subset = Path.Combine(Infrastructure.Golden.RepositoryRoot, FashionMnist.SubsetFolder);
    private readonly string root = Path.Combine(Path.GetTempPath(), "descent-fashion-transfer-" + Guid.NewGuid().ToString("N"));

    public FashionTransferTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    [Theory]
    [InlineData(TransferredLayers.Convolutional)]
    [InlineData(TransferredLayers.Body)]
    public void FineTunedModelCopiesTheChosenLayersAndStartsTheRestAsTheScratchNetwork(TransferredLayers layers)
    {
        // Source and target both have five classes, so a non-strict load alone would also copy the source head.
        var source = SmallCnn.Create(5, new Rng(99));
        source.NamedBuffers().Single(b => b.Name == "1.running_mean").Buffer.Span.Fill(0.25f);
        var path = Path.Combine(root, "source.safetensors");
        SafetensorsFile.Write(path, source.NamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter))
            .Concat(source.NamedBuffers().Select(b => new KeyValuePair<string, Tensor>(b.Name, b.Buffer))));
        var (model, load) = FashionTransfer.CreateFineTuned(path, seed: 3, layers: layers);

        Assert.Empty(load.MismatchedKeys);
        string[] copied = layers == TransferredLayers.Body
            ? ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias"]
            : ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"];
        var expectedHead = new Linear(32, 5, new Rng(3 + 11));
        var sourceParams = source.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Span.ToArray());
        var scratch = FashionTransfer.CreateScratch(3).NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Span.ToArray());
        foreach (var (name, p) in model.NamedParameters())
        {
            if (FineTuning.Matches(name, SmallCnn.Head))
            {
                var fresh = name.EndsWith("weight", StringComparison.Ordinal) ? expectedHead.Weight : expectedHead.Bias!;
                Assert.Equal(fresh.Span.ToArray(), p.Span.ToArray());
                Assert.NotEqual(sourceParams[name], p.Span.ToArray());
            }
            else if (copied.Contains(name))
            {
                Assert.Equal(sourceParams[name], p.Span.ToArray());
            }
            else
            {
                // The hidden Linear layer (conv transfer only) starts exactly as in the scratch network of this seed.
                Assert.Equal("8.", name[..2]);
                Assert.Equal(scratch[name], p.Span.ToArray());
                Assert.NotEqual(sourceParams[name], p.Span.ToArray());
            }
        }

        // The BatchNorm running statistics come with the convolutional layers.
        Assert.All(model.NamedBuffers().Single(b => b.Name == "1.running_mean").Buffer.Span.ToArray(), v => Assert.Equal(0.25f, v));
        Assert.Equal(copied.Length + 3, load.LoadedKeys.Count);
        Assert.NotEqual(scratch["0.weight"], model.NamedParameters().First().Parameter.Span.ToArray());
    }

    [Fact]
    public void TargetDataIsBalancedDisjointAndKeepsValidationAndTestFixedAcrossSeeds()
    {
        var a = FashionTransfer.TargetData(Subset, labelsPerClass: 10, validationPerClass: 20, testPerClass: 30, seed: 1);
        var b = FashionTransfer.TargetData(Subset, labelsPerClass: 10, validationPerClass: 20, testPerClass: 30, seed: 2);
        Assert.Equal([10, 10, 10, 10, 10], a.Labelled.ClassCounts());
        Assert.Equal([20, 20, 20, 20, 20], a.Validation.ClassCounts());
        Assert.Equal([30, 30, 30, 30, 30], a.Test.ClassCounts());
        Assert.Equal(a.Validation.Features.Span.ToArray(), b.Validation.Features.Span.ToArray());
        Assert.Equal(a.Test.Features.Span.ToArray(), b.Test.Features.Span.ToArray());
        Assert.NotEqual(a.Labelled.Features.Span.ToArray(), b.Labelled.Features.Span.ToArray());

        static string Key(Dataset d, int i) => Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Sample(i)));
        var validation = Enumerable.Range(0, a.Validation.Count).Select(i => Key(a.Validation, i)).ToHashSet();
        foreach (var d in new[] { a.Labelled, b.Labelled })
        {
            Assert.DoesNotContain(Enumerable.Range(0, d.Count), i => validation.Contains(Key(d, i)));
        }
    }

    [Fact]
    public void DefaultWidthIsTheOriginal8_16_32Network()
    {
        var expected = new Dictionary<string, int[]>
        {
            ["0.weight"] = [8, 1, 3, 3], ["0.bias"] = [8], ["1.weight"] = [8], ["1.bias"] = [8], ["1.running_mean"] = [8],
            ["1.running_var"] = [8], ["1.num_batches_tracked"] = [], ["4.weight"] = [16, 8, 3, 3], ["4.bias"] = [16],
            ["8.weight"] = [32, 576], ["8.bias"] = [32], ["11.weight"] = [5, 32], ["11.bias"] = [5],
        };
        Assert.Equal(expected, Shapes(SmallCnn.Create(5, new Rng(7))));

        // Same draws as before the width parameter existed: width 1 is the default.
        Assert.Equal(SmallCnn.Create(5, new Rng(7)).NamedParameters().SelectMany(p => p.Parameter.Span.ToArray()),
            SmallCnn.Create(5, new Rng(7), width: 1).NamedParameters().SelectMany(p => p.Parameter.Span.ToArray()));
        Assert.Equal(SmallCnn.DefaultWidth, new Descent.Lab.Specs.TransferTaskSpec(50, 100, true, null, 5, 6000).Width);
    }

    [Theory]
    [InlineData(2, 28, 6)]
    [InlineData(4, 28, 6)]
    [InlineData(3, 8, 1)]
    public void WidthMultipliesChannelsAndHiddenUnitsAndKeepsTheNames(int width, int imageSize, int side)
    {
        var (c1, c2, h) = (8 * width, 16 * width, 32 * width);
        var expected = new Dictionary<string, int[]>
        {
            ["0.weight"] = [c1, 1, 3, 3], ["0.bias"] = [c1], ["1.weight"] = [c1], ["1.bias"] = [c1], ["1.running_mean"] = [c1],
            ["1.running_var"] = [c1], ["1.num_batches_tracked"] = [], ["4.weight"] = [c2, c1, 3, 3], ["4.bias"] = [c2],
            ["8.weight"] = [h, c2 * side * side], ["8.bias"] = [h], ["11.weight"] = [3, h], ["11.bias"] = [3],
        };
        var model = SmallCnn.Create(3, new Rng(1), imageSize, width: width);
        Assert.Equal(expected, Shapes(model));
        Assert.Equal([2, 3], model.Forward(Tensor.Zeros([2, 1, imageSize, imageSize])).Shape.ToArray());
        Assert.All(FineTuning.Freeze(model, SmallCnn.Body), n => Assert.False(FineTuning.Matches(n, SmallCnn.Head)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SmallCnn.MaxWidth + 1)]
    public void WidthOutOfRangeIsRejected(int width)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SmallCnn.Create(5, new Rng(1), width: width));
        Assert.Equal("width", e.ParamName);
    }

    [Fact]
    public void FineTuningWeightsOfAnotherWidthIsAClearError()
    {
        var source = SmallCnn.Create(5, new Rng(99), width: 2);
        var path = Path.Combine(root, "wide.safetensors");
        SafetensorsFile.Write(path, source.NamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter))
            .Concat(source.NamedBuffers().Select(b => new KeyValuePair<string, Tensor>(b.Name, b.Buffer))));
        var e = Assert.Throws<InvalidDataException>(() => FashionTransfer.CreateFineTuned(path, seed: 3));
        Assert.Contains("width 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight: expected [8, 1, 3, 3], found [16, 1, 3, 3]", e.Message, StringComparison.Ordinal);

        var (model, load) = FashionTransfer.CreateFineTuned(path, seed: 3, width: 2);
        Assert.Empty(load.MismatchedKeys);
        Assert.Equal(source.NamedParameters().First().Parameter.Span.ToArray(), model.NamedParameters().First().Parameter.Span.ToArray());
        Assert.Equal([16, 1, 3, 3], FashionTransfer.CreateScratch(3, width: 2).NamedParameters().First().Parameter.Shape.ToArray());
    }

    private static Dictionary<string, int[]> Shapes(Module model) =>
        model.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToArray()))
            .Concat(model.NamedBuffers().Select(b => (b.Name, b.Buffer.Shape.ToArray())))
            .ToDictionary(x => x.Item1, x => x.Item2);

    [Theory]
    [InlineData(200, 250, 20)]
    [InlineData(200, 50, 100)]
    [InlineData(200, 1000, 5)]
    [InlineData(7, 50, 4)]
    public void EpochsForGiveAtLeastTheSteps(int steps, int count, int expected)
        => Assert.Equal(expected, FashionTransfer.EpochsFor(steps, count));
}
