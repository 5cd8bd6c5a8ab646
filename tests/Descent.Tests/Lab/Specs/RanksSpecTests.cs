using Descent.Lab;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab.Specs;

/// <summary><c>$.ranks</c>: parsed and validated before any run, refused for kinds that do not train data-parallel, part of the
/// store's fingerprint only above 1, and refused by a caller that cannot start the processes.</summary>
public sealed class RanksSpecTests
{
    private static string Spec(string ranks, string task = """{ "kind": "digits-mlp", "hidden": [8], "batch_size": 50 }""") => $$"""
        { "name": "ranks", "task": {{task}}, "budget": { "epochs": 1 }, "seeds": [0],
          "optimizers": [ { "name": "sgd", "lr": 0.1 } ]{{(ranks.Length == 0 ? "" : $", \"ranks\": {ranks}")}} }
        """;

    private static ExperimentSpec Parse(string json) => SpecParser.Parse(json, EngineCatalog.Instance);

    [Fact]
    public void RanksDefaultsToOneAndReadsAnInteger()
    {
        Assert.Equal(1, Parse(Spec("")).Ranks);
        Assert.Equal(1, Parse(Spec("1")).Ranks);
        Assert.Equal(4, Parse(Spec("4")).Ranks);
        Assert.Equal(ExperimentSpec.MaxRanks, Parse(Spec($"{ExperimentSpec.MaxRanks}", """{ "kind": "digits-mlp", "batch_size": 2000 }""")).Ranks);
    }

    [Theory]
    [InlineData("0", "$.ranks: must be in [1, 1024] (the processes every run trains on), got 0")]
    [InlineData("-2", "$.ranks: must be in [1, 1024] (the processes every run trains on), got -2")]
    [InlineData("1025", "$.ranks: must be in [1, 1024] (the processes every run trains on), got 1025")]
    [InlineData("1e30", "$.ranks: must be in [1, 1024] (the processes every run trains on), got 1e30")]
    [InlineData("1.5", "$.ranks: must be an integer (the processes every run trains on), not 1.5")]
    [InlineData("\"2\"", "$.ranks: must be an integer (the processes every run trains on), not the string \"2\"")]
    [InlineData("[2]", "$.ranks: must be an integer (the processes every run trains on), not an array")]
    public void BadRanksNameThePathTheValueAndTheRange(string ranks, string expected)
    {
        var e = Assert.Throws<SpecValidationException>(() => Parse(Spec(ranks)));
        Assert.Equal([expected], e.Errors.Select(x => x.ToString()));
    }

    [Theory]
    [InlineData("""{ "kind": "minilm-spam" }""", "minilm-spam")]
    [InlineData("""{ "kind": "rosenbrock" }""", "rosenbrock")]
    [InlineData("""{ "kind": "noisy-quadratic" }""", "noisy-quadratic")]
    [InlineData("""{ "kind": "mlp-regression" }""", "mlp-regression")]
    public void KindsThatCannotTrainDataParallelRefuseSeveralRanksNamingTheTask(string task, string kind)
    {
        var e = Assert.Throws<SpecValidationException>(() => Parse(Spec("2", task)));
        Assert.Equal([$"$.ranks: task {kind} cannot train data-parallel, so it cannot use 2 ranks; remove \"ranks\" (or set it to 1)"],
            e.Errors.Select(x => x.ToString()));
        Assert.Equal(1, Parse(Spec("1", task)).Ranks); // one rank is always fine
    }

    [Fact]
    public void EveryBuiltInKindThatTrainsThroughSupervisedTrainingSupportsRanks()
    {
        var supporting = Descent.Experiments.ExperimentTasks.All.Where(t => t.SupportsDataParallel).Select(t => t.Kind).Order();
        Assert.Equal(["csv", "digits-mlp", "fashion-transfer", "idx"], supporting);
    }

    [Fact]
    public void ABatchSmallerThanTheRanksIsRefused()
    {
        var e = Assert.Throws<SpecValidationException>(() => Parse(Spec("4", """{ "kind": "digits-mlp", "batch_size": 3 }""")));
        Assert.Contains("$.ranks: 4 ranks split every batch of $.task.batch_size = 3 samples into 4 shards", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, Parse(Spec("3", """{ "kind": "digits-mlp", "batch_size": 3 }""")).Ranks);
    }

    [Fact]
    public void FingerprintGainsRanksOnlyAboveOne()
    {
        var none = RunStore.Fingerprint(Parse(Spec("")));
        Assert.Equal(none, RunStore.Fingerprint(Parse(Spec("1"))));
        Assert.DoesNotContain("ranks", none, StringComparison.Ordinal);
        Assert.Equal(none + " ranks=2", RunStore.Fingerprint(Parse(Spec("2"))));
        Assert.NotEqual(RunStore.Fingerprint(Parse(Spec("2"))), RunStore.Fingerprint(Parse(Spec("3"))));
    }

    [Fact]
    public void AStoreOfOneRankRefusesTheSameSpecWithTwo()
    {
        using var dir = new TempDir();
        using var store = RunStore.Open(dir.Path);
        store.SetExperiment(Parse(Spec("")));
        store.SetExperiment(Parse(Spec("1"))); // the same experiment
        var e = Assert.Throws<InvalidOperationException>(() => store.SetExperiment(Parse(Spec("2"))));
        Assert.Contains("ranks=2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLabRefusesSeveralRanksWithoutALauncherBeforeStoringAnything()
    {
        using var dir = new TempDir();
        var spec = Parse(Spec("2"));
        var e = Assert.Throws<NotSupportedException>(() => ExperimentPipeline.Run(spec, dir.Sub("out"), EngineCatalog.Instance, jobs: 1));
        Assert.Contains("asks for 2 ranks ($.ranks)", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Sub("out"), "runs.db")));
        Assert.Throws<NotSupportedException>(() => ExperimentPipeline.Run(spec, EngineCatalog.Instance, jobs: 1));
    }

    [Fact]
    public void ARunOfSeveralRanksIsPerformedByTheLauncher()
    {
        using var dir = new TempDir();
        var spec = Parse(Spec("2"));
        var launched = new List<string>();
        var (outcome, _) = ExperimentPipeline.Run(spec, dir.Path, EngineCatalog.Instance, jobs: 1,
            dataParallel: (s, folder) => new RecordingTask(launched, s, folder));
        Assert.Equal(1, outcome.Executed);
        Assert.Empty(outcome.Failed);
        Assert.Equal([$"{spec.Runs()[0].Key} ranks=2 folder={dir.Path}"], launched);
    }

    [Fact]
    public void ParsingTheSourceAgainstTheBaseDirectoryGivesTheSameSpec()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("spec.json"), Spec("2", """{ "kind": "csv", "train": "data.csv", "target": "y", "batch_size": 8 }"""));
        var spec = SpecParser.ParseFile(dir.Sub("spec.json"), EngineCatalog.Instance);
        Assert.Equal(dir.Path, spec.BaseDirectory);
        var again = SpecParser.Parse(spec.SourceJson, EngineCatalog.Instance, baseDirectory: spec.BaseDirectory);
        Assert.Equal(RunStore.Fingerprint(spec), RunStore.Fingerprint(again));
        Assert.Equal(Path.Combine(dir.Path, "data.csv"), ((Descent.Experiments.Tabular.CsvSettings)again.Task.Settings!).Train);
    }

    private sealed class RecordingTask(List<string> launched, ExperimentSpec spec, string? folder) : LabTask
    {
        public override RunResult Run(RunContext context)
        {
            launched.Add($"{context.Run.Key} ranks={spec.Ranks} folder={folder}");
            return new RunResult(RunStatus.Completed, null, 1, 0.1, [new MetricPoint("loss", 0, null, 1, 0)],
                [new MetricPoint("val_loss", 0, 1, 1, 0), new MetricPoint("val_accuracy", 0, 1, 0.5, 0), new MetricPoint("train_loss", 0, 1, 1, 0)]);
        }
    }
}
