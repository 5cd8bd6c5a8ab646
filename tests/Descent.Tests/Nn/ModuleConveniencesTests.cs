using Descent.Checkpoints;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Tests.Data;

namespace Descent.Tests.Nn;

public sealed class ModuleConveniencesTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    private static Sequential Mlp(ulong seed) => new(new Linear(4, 8, new Rng(seed)), new Relu(), new Dropout(0.5, seed), new Linear(8, 3, new Rng(seed + 1)));

    [Fact]
    public void PredictRunsInEvaluationModeWithoutRecordingAndRestoresModes()
    {
        var model = Mlp(1);
        model[0].Eval(); // a child's own mode is restored too
        var x = Tensor.FromArray([0.5f, -1f, 2f, 0.25f, 1f, 1f, -2f, 0f], 2, 4);
        var first = model.Predict(x);
        var second = model.Predict(x);
        Assert.Equal(first.ToArray(), second.ToArray()); // dropout off
        Assert.True(first.IsLeaf);
        Assert.False(first.RequiresGrad);
        Assert.True(model.IsTraining);
        Assert.False(model[0].IsTraining);
        Assert.True(model[2].IsTraining);

        model.Eval();
        using (Descent.Autodiff.Tape.NoGrad())
        {
            Assert.Equal(model.Forward(x).ToArray(), first.ToArray());
        }

        Assert.Equal(first.ArgMax(), model.PredictClasses(x));
    }

    [Fact]
    public void SaveWritesPyTorchNamesAndLoadRestoresEveryTensor()
    {
        var model = new Sequential(new Linear(4, 8, new Rng(1)), new BatchNorm1d(8), new Linear(8, 3, new Rng(2)));
        model.Forward(Tensor.FromArray(Enumerable.Range(0, 8).Select(i => (float)i).ToArray(), 2, 4)); // moves the running statistics
        var path = Path.Combine(temp.Folder, "model.safetensors");
        model.Save(path);

        var file = SafetensorsFile.Read(path);
        Assert.Equal(model.StateDict().Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains("1.running_mean", file.Tensors.Select(t => t.Name));

        var other = new Sequential(new Linear(4, 8, new Rng(7)), new BatchNorm1d(8), new Linear(8, 3, new Rng(8)));
        var result = other.Load(path);
        Assert.True(result.IsExactMatch);
        foreach (var (name, tensor) in model.StateDict())
        {
            Assert.Equal(tensor.ToArray(), other.StateDict()[name].ToArray());
        }
    }

    [Fact]
    public void LoadRejectsNonFiniteValuesNamingTheTensorAndChangesNothing()
    {
        var model = Mlp(1);
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        state["3.bias"].Span[2] = float.NaN;
        var path = Path.Combine(temp.Folder, "nan.safetensors");
        SafetensorsFile.Write(path, state);
        var e = LoadFailsChangingNothing(Mlp(5), path);
        Assert.Contains("'3.bias'", e.Message, StringComparison.Ordinal);
        Assert.Contains("index 2", e.Message, StringComparison.Ordinal);
        Assert.Equal("3.bias", e.Entry);
    }

    [Fact]
    public void LoadRejectsShapeMismatchNamingTensorAndBothShapes()
    {
        var path = Path.Combine(temp.Folder, "wide.safetensors");
        new Sequential(new Linear(4, 16, new Rng(1)), new Relu(), new Dropout(), new Linear(16, 3, new Rng(2))).Save(path);
        var e = LoadFailsChangingNothing(Mlp(5), path);
        Assert.Contains("0.weight: expected [8, 4], found [16, 4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("3.weight: expected [3, 8], found [3, 16]", e.Message, StringComparison.Ordinal);
        LoadFailsChangingNothing(Mlp(5), Path.Combine(temp.Folder, "none.safetensors"));
    }

    [Fact]
    public void ToStringPrintsTheTreeWithParameterShapesAndCounts()
    {
        var model = new Sequential(new Linear(4, 16, new Rng(1)), new Relu(), new Sequential(new Dropout(0.1), new Linear(16, 3, new Rng(2), bias: false)));
        model[0].Parameters().First().RequiresGrad = false;
        var expected = string.Join(Environment.NewLine,
            "Sequential(",
            "  (0): Linear(in_features=4, out_features=16, bias=True)  weight [16, 4], bias [16]: 80 parameters",
            "  (1): Relu()",
            "  (2): Sequential(",
            "    (0): Dropout(p=0.1)",
            "    (1): Linear(in_features=16, out_features=3, bias=False)  weight [3, 16]: 48 parameters",
            "  )",
            ")",
            $"Parameters: {80 + 48} (trainable {16 + 48})");
        Assert.Equal(expected, model.ToString());
    }

    [Fact]
    public void SummaryListsOutputShapesLayerByLayer()
    {
        var model = new Sequential(new Conv2d(1, 2, 3, new Rng(1), padding: 1), new Relu(), new Flatten(), new Sequential(new Linear(2 * 4 * 4, 5, new Rng(2))));
        var lines = model.Summary(3, 1, 4, 4).Split(Environment.NewLine);
        Assert.StartsWith("Layer", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^0\s+Conv2d\s+\[3, 2, 4, 4\]\s+20$", lines[1]);
        Assert.Matches(@"^1\s+Relu\s+\[3, 2, 4, 4\]\s+0$", lines[2]);
        Assert.Matches(@"^2\s+Flatten\s+\[3, 32\]\s+0$", lines[3]);
        Assert.Matches(@"^3\.0\s+Linear\s+\[3, 5\]\s+165$", lines[4]);
        Assert.Equal("Input [3, 1, 4, 4], output [3, 5]; parameters 185 (trainable 185)", lines[5]);
        Assert.True(model.IsTraining);
        Assert.Contains("(model)  Linear", new Linear(2, 1, new Rng(1)).Summary(1, 2), StringComparison.Ordinal);
    }

    [Fact]
    public void CrossEntropyTakesAnyListOfLabels()
    {
        var logits = Tensor.FromArray([1f, 2f, 0.5f, -1f, 0f, 3f], 2, 3);
        var ce = new CrossEntropyLoss();
        var expected = ce.Forward(logits, [1, 2]).Item();
        Assert.Equal(expected, ce.Forward(logits, new List<int> { 1, 2 }).Item());
        Assert.Equal(expected, ce.Forward(logits, (IReadOnlyList<int>)new System.Collections.ObjectModel.ReadOnlyCollection<int>([1, 2])).Item());
    }

    /// <summary>Loading <paramref name="path"/> into <paramref name="target"/> fails with a message naming the file,
    /// and leaves every parameter as it was.</summary>
    private static CheckpointException LoadFailsChangingNothing(Module target, string path)
    {
        var before = target.Parameters().Select(p => p.ToArray()).ToList();
        var e = Assert.Throws<CheckpointException>(() => target.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Parameters().Select(p => p.ToArray()).ToList());
        return e;
    }
}
