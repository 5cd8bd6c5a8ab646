using Descent.Data;
using Descent.Lab.Code;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Tests.Data;
using Descent.Training;

namespace Descent.Tests.Lab.Code;

public sealed class CodeTaskTests : IDisposable
{
    private const string Spec = """
        {"name": "code-test", "budget": {"epochs": 2}, "seeds": [1, 2],
         "optimizers": [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.01}]}
        """;

    private static readonly string SpecWithTarget =
        Spec.Replace("\"optimizers\"", "\"target\": {\"metric\": \"val_f1\", \"value\": 0.5}, \"optimizers\"", StringComparison.Ordinal);

    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    private static CodeTask Task(int outputs = 10)
    {
        var (train, validation) = Datasets.Digits().TakePerClass(12, seed: 1).Split(0.25, seed: 0);
        var task = new CodeTask
        {
            Train = train,
            Validation = validation,
            BatchSize = 16,
            Model = seed => new Sequential(new Linear(64, 16, new Rng((ulong)seed)), new Relu(), new Linear(16, outputs, new Rng((ulong)seed + 100))),
        };
        task.CustomMetrics["val_f1"] = model => Metrics.F1(validation.Labels, model.PredictClasses(validation.Features), 10);
        return task;
    }

    [Fact]
    public void ComparesOptimizersOnTheUsersModelDataAndMetric()
    {
        var (outcome, summary) = Task().Compare(SpecWithTarget);
        Assert.Equal(4, outcome.Total);
        Assert.Equal(4, outcome.Executed);
        Assert.Empty(outcome.Failed);
        Assert.Equal("code", summary.Task);
        Assert.Equal("val_f1", summary.Metric);
        Assert.Equal("max", summary.Goal);
        Assert.Equal(["adam", "sgd"], summary.Optimizers.Select(o => o.Label).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(summary.Verdict));

        // Deterministic per seed: the same comparison gives the same analysis.
        var (_, again) = Task().Compare(SpecWithTarget);
        Assert.Equal(summary.Verdict, again.Verdict);
    }

    [Fact]
    public void OutputFolderKeepsRunsAndReportAndARerunSkipsThem()
    {
        var dir = Path.Combine(temp.Folder, "out");
        var (first, summary) = Task().Compare(Spec, dir);
        Assert.Equal(4, first.Executed);
        Assert.Equal("val_accuracy", summary.Metric);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        var (second, _) = Task().Compare(Spec, dir);
        Assert.Equal(0, second.Executed);
        Assert.Equal(4, second.Skipped);
    }

    [Fact]
    public void AModelThatDoesNotFitTheDataFailsBeforeAnyRun()
    {
        var e = Assert.Throws<SpecValidationException>(() => Task(outputs: 3).Compare(Spec));
        Assert.Contains("the model (seed 0) and the loss do not fit the data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecProblemsAreListedWithTheirPaths()
    {
        var e = Assert.Throws<SpecValidationException>(() => Task().Compare(
            """{"name": "x", "budget": {"epochs": 1}, "target": {"metric": "val_auc"}, "optimizers": [{"name": "sgdd"}]}"""));
        Assert.Contains("$.target.metric", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.optimizers[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeedsOnlyDescentAndDescentLab()
    {
        // A program comparing optimizers on its own model references Descent.Lab alone: no other Descent assembly.
        var descent = typeof(CodeTask).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Descent", StringComparison.Ordinal));
        Assert.Equal(["Descent"], descent);
    }
}
