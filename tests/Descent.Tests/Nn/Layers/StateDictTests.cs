using Descent.Nn;

namespace Descent.Tests.Nn.Layers;

public sealed class StateDictTests
{
    private static Sequential Model(int classes, ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(new Conv2d(1, 2, 3, rng), new BatchNorm2d(2), new Flatten(), new Linear(8, classes, rng));
    }

    [Fact]
    public void StrictLoadCopiesEverything()
    {
        var source = Model(3, 1);
        var target = Model(3, 2);
        var result = target.LoadStateDict(source.StateDict());
        Assert.True(result.IsExactMatch);
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"],
            result.LoadedKeys);
        foreach (var (name, t) in source.StateDict())
        {
            Assert.Equal(t.ToArray(), target.StateDict()[name].ToArray());
            Assert.NotSame(t, target.StateDict()[name]);
        }
    }

    [Fact]
    public void StrictLoadReportsEveryProblemAndChangesNothing()
    {
        var source = Model(5, 1).StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        source.Remove("0.bias");
        source["extra.weight"] = Tensor.Zeros(2);
        var target = Model(3, 2);
        var before = target.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var e = Assert.Throws<StateDictException>(() => target.LoadStateDict(source));
        Assert.Equal(["0.bias"], e.Result.MissingKeys);
        Assert.Equal(["extra.weight"], e.Result.UnexpectedKeys);
        Assert.Equal(["3.weight", "3.bias"], e.Result.MismatchedKeys.Select(m => m.Key));
        Assert.Equal([3, 8], e.Result.MismatchedKeys[0].Expected);
        Assert.Equal([5, 8], e.Result.MismatchedKeys[0].Found);
        Assert.Contains("missing key(s): \"0.bias\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected key(s): \"extra.weight\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("3.weight: expected [3, 8], found [5, 8]", e.Message, StringComparison.Ordinal);
        foreach (var (name, t) in target.StateDict())
        {
            Assert.Equal(before[name], t.ToArray());
        }
    }

    [Theory]
    [InlineData(float.NaN, "NaN", true)]
    [InlineData(float.PositiveInfinity, "+∞", true)]
    [InlineData(float.NegativeInfinity, "−∞", false)]
    public void NonFiniteWeightsAreRejectedNamingTheTensorAndNothingChanges(float value, string shown, bool strict)
    {
        // Issue 15, defect 6: a checkpoint holding NaN loaded, the run diverged and the learning rate was blamed.
        var source = Model(3, 1).StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        source["3.bias"].Span[1] = value;
        var target = Model(3, 2);
        var before = target.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => target.LoadStateDict(source, strict));
        Assert.StartsWith($"state_dict tensor '3.bias' holds {shown} at element 1; weights must be finite", e.Message, StringComparison.Ordinal);
        foreach (var (name, t) in target.StateDict())
        {
            Assert.Equal(before[name], t.ToArray());
        }
    }

    [Fact]
    public void NonStrictLoadSkipsAndReportsMismatches()
    {
        var source = Model(5, 1);
        var target = Model(3, 2);
        var head = target.StateDict()["3.weight"].ToArray();
        var result = target.LoadStateDict(source.StateDict(), strict: false);
        Assert.False(result.IsExactMatch);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(["3.weight", "3.bias"], result.MismatchedKeys.Select(m => m.Key));
        Assert.Equal(source.StateDict()["0.weight"].ToArray(), target.StateDict()["0.weight"].ToArray());
        Assert.Equal(head, target.StateDict()["3.weight"].ToArray());
    }

    [Fact]
    public void FlattenMergesTheRequestedDimensionsAndPassesGradients()
    {
        var x = Tensor.Normal(new Rng(1), 0f, 1f, 2, 3, 4, 5);
        x.RequiresGrad = true;
        Assert.Equal([2, 60], new Flatten().Forward(x).Shape.ToArray());
        Assert.Equal([2, 12, 5], new Flatten(1, 2).Forward(x).Shape.ToArray());
        Assert.Equal([120], new Flatten(0).Forward(x).Shape.ToArray());
        var y = new Flatten().Forward(x);
        var g = Tensor.Normal(new Rng(2), 0f, 1f, 2, 60);
        y.Backward(g);
        Assert.Equal(g.ToArray(), x.Grad!.ToArray());
        Assert.Throws<ArgumentException>(() => new Flatten(2, 1).Forward(x));
    }
}
