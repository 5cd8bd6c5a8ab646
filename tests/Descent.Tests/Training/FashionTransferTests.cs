using Descent.Checkpoints;
using Descent.Data;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Training;

public sealed class FashionTransferTests : IDisposable
{
    private static readonly string Subset = Path.Combine(Infrastructure.Golden.RepositoryRoot, FashionMnist.SubsetFolder);
    private readonly string root = Path.Combine(Path.GetTempPath(), "descent-fashion-transfer-" + Guid.NewGuid().ToString("N"));

    public FashionTransferTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    [Fact]
    public void FineTunedModelKeepsThePretrainedBodyAndGetsAFreshHead()
    {
        // Source and target both have five classes, so a non-strict load alone would also copy the source head.
        var source = SmallCnn.Create(5, new Rng(99));
        var path = Path.Combine(root, "source.safetensors");
        SafetensorsFile.Write(path, source.NamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter))
            .Concat(source.NamedBuffers().Select(b => new KeyValuePair<string, Tensor>(b.Name, b.Buffer))));
        var (model, load) = FashionTransfer.CreateFineTuned(path, seed: 3);

        Assert.Empty(load.MismatchedKeys);
        var expectedHead = new Linear(32, 5, new Rng(3 + 11));
        var sourceParams = source.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Span.ToArray());
        foreach (var (name, p) in model.NamedParameters())
        {
            if (FineTuning.Matches(name, SmallCnn.Head))
            {
                var fresh = name.EndsWith("weight", StringComparison.Ordinal) ? expectedHead.Weight : expectedHead.Bias!;
                Assert.Equal(fresh.Span.ToArray(), p.Span.ToArray());
                Assert.NotEqual(sourceParams[name], p.Span.ToArray());
            }
            else
            {
                Assert.Equal(sourceParams[name], p.Span.ToArray());
            }
        }

        var scratch = FashionTransfer.CreateScratch(3);
        Assert.NotEqual(scratch.NamedParameters().First().Parameter.Span.ToArray(), model.NamedParameters().First().Parameter.Span.ToArray());
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

    [Theory]
    [InlineData(200, 250, 20)]
    [InlineData(200, 50, 100)]
    [InlineData(200, 1000, 5)]
    [InlineData(7, 50, 4)]
    public void EpochsForGiveAtLeastTheSteps(int steps, int count, int expected)
        => Assert.Equal(expected, FashionTransfer.EpochsFor(steps, count));
}
