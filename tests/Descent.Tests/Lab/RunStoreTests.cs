using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab;

public sealed class RunStoreTests
{
    private static readonly EnvironmentInfo Env = new("0.1.0", ".NET 10.0.0", "Linux x64", "Test CPU", 2, 512, "Auto");

    private static ExperimentSpec Spec(string kind = "rosenbrock", int steps = 3) => SpecParser.Parse(
        $$"""
        { "name": "store", "task": { "kind": "{{kind}}" }, "budget": { "steps": {{steps}} }, "seeds": [0, 1],
          "optimizers": [ { "name": "sgd", "lr": [0.001, 0.01] } ] }
        """, new FakeCatalog());

    [Fact]
    public void RunsRoundTripWithMetricsStatusAndEnvironment()
    {
        using var dir = new TempDir();
        var spec = Spec();
        var runs = spec.Runs();
        var completed = new RunResult(RunStatus.Completed, null, 2, 0.25,
            [new("loss", 0, null, 4.5, 0.01), new("loss", 1, null, 1.25e-7, 0.02), new("x", 0, null, -1.5, 0.01)],
            [new("val_accuracy", 7, 1, 0.875, 0.2)]);
        var diverged = new RunResult(RunStatus.Diverged, "sgd diverged at step 1", 1, 0.5,
            [new("loss", 0, null, 3.0, 0.0), new("loss", 1, null, double.NaN, 0.1), new("y", 1, null, double.PositiveInfinity, 0.1)], []);
        using (var store = RunStore.Open(dir.Path))
        {
            store.SetExperiment(spec);
            store.SaveRun(runs[0], completed, Env);
            store.SaveRun(runs[1], diverged, Env with { KernelPath = "Reference" });
            store.SaveRun(runs[2], new RunResult(RunStatus.Failed, "boom", 0, 0, [], []), Env);
        }

        using var reopened = RunStore.OpenExisting(dir.Path);
        Assert.Equal(spec.SourceJson, reopened.GetSpecJson());
        Assert.Equal(new HashSet<string> { runs[0].Key, runs[1].Key }, reopened.DoneRunKeys());
        var loaded = reopened.LoadRuns().ToDictionary(r => r.RunKey);
        Assert.Equal(3, loaded.Count);
        var a = loaded[runs[0].Key];
        Assert.Equal("sgd", a.Label);
        Assert.Equal(0, a.Seed);
        Assert.Equal(runs[0].Configuration.Key, a.ConfigurationKey);
        Assert.Equal(RunStatus.Completed, a.Result.Status);
        Assert.Equal(0.25, a.Result.Seconds);
        Assert.Equal(Env, a.Environment);
        Assert.Equal(completed.StepMetrics.OrderBy(m => m.Name).ThenBy(m => m.Step), a.Result.StepMetrics);
        Assert.Equal(completed.EpochMetrics, a.Result.EpochMetrics);
        var b = loaded[runs[1].Key];
        Assert.Equal(RunStatus.Diverged, b.Result.Status);
        Assert.Equal("sgd diverged at step 1", b.Result.Message);
        Assert.Equal("Reference", b.Environment.KernelPath);
        Assert.True(double.IsNaN(b.Result.StepMetrics.Single(m => m.Name == "loss" && m.Step == 1).Value));
        Assert.Equal(double.PositiveInfinity, b.Result.StepMetrics.Single(m => m.Name == "y").Value);
        Assert.Equal(RunStatus.Failed, loaded[runs[2].Key].Result.Status);
    }

    [Fact]
    public void SavingARunAgainReplacesIt()
    {
        using var dir = new TempDir();
        var spec = Spec();
        var run = spec.Runs()[0];
        using var store = RunStore.Open(dir.Path);
        store.SaveRun(run, new RunResult(RunStatus.Failed, "boom", 0, 0, [], []), Env);
        store.SaveRun(run, new RunResult(RunStatus.Completed, null, 1, 1, [new("loss", 0, null, 1, 0)], []), Env);
        var all = store.LoadRuns();
        Assert.Single(all);
        Assert.Equal(RunStatus.Completed, all[0].Result.Status);
        Assert.Single(all[0].Result.StepMetrics);
    }

    [Fact]
    public void AStoreRefusesAnExperimentWithAnotherTaskOrBudget()
    {
        using var dir = new TempDir();
        using var store = RunStore.Open(dir.Path);
        store.SetExperiment(Spec());
        store.SetExperiment(Spec()); // same experiment: fine
        var ex = Assert.Throws<InvalidOperationException>(() => store.SetExperiment(Spec("beale")));
        Assert.Contains("different task or budget", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => store.SetExperiment(Spec(steps: 4)));
    }

    [Theory]
    [InlineData("minilm-spam", "\"mode\": \"head\"", "\"mode\": \"head\", \"head\": \"linear\"")]
    [InlineData("minilm-spam", "\"mode\": \"full\"", "\"mode\": \"full\", \"init\": \"probe\"")]
    [InlineData("minilm-spam", "\"max_length\": 64", "\"max_length\": 128")]
    [InlineData("fashion-transfer", "\"labels_per_class\": 50", "\"labels_per_class\": 10")]
    [InlineData("fashion-transfer", "\"pretrained\": true", "\"pretrained\": false")]
    public void AStoreRefusesAnotherFineTuningRecipe(string kind, string fields, string otherFields)
    {
        ExperimentSpec Of(string f) => SpecParser.Parse(
            $$"""
            { "name": "store", "task": { "kind": "{{kind}}", {{f}} }, "budget": { "epochs": 1 }, "seeds": [0],
              "optimizers": [ { "name": "sgd", "lr": 0.01 } ] }
            """, new FakeCatalog());
        using var dir = new TempDir();
        using var store = RunStore.Open(dir.Path);
        store.SetExperiment(Of(fields));
        store.SetExperiment(Of(fields)); // the same recipe resumes
        var ex = Assert.Throws<InvalidOperationException>(() => store.SetExperiment(Of(otherFields)));
        Assert.Contains("different task or budget", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportsCsvAndJson()
    {
        using var dir = new TempDir();
        var spec = Spec();
        using var store = RunStore.Open(dir.Path);
        store.SetExperiment(spec);
        store.SaveRun(spec.Runs()[0], new RunResult(RunStatus.Completed, null, 1, 0.5,
            [new("loss", 0, null, 2.5, 0.0), new("loss", 1, null, 0.5, 0.5)], []), Env);
        store.ExportCsv(dir.Path);
        store.ExportJson(dir.Path);
        var runsCsv = File.ReadAllLines(dir.Sub("runs.csv"));
        Assert.Equal("run_key,label,optimizer,configuration,seed,status,steps,seconds,message", runsCsv[0]);
        Assert.Equal($"{spec.Runs()[0].Key},sgd,sgd,{spec.Runs()[0].Configuration.Key},0,completed,1,0.5,", runsCsv[1]);
        var metrics = File.ReadAllLines(dir.Sub("metrics.csv"));
        Assert.Equal(3, metrics.Length);
        Assert.EndsWith(",sgd,0,step,,1,loss,0.5,0.5", metrics[2], StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.Sub("runs.json")));
        var run = json.RootElement.GetProperty("runs")[0];
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(0.5, run.GetProperty("step_metrics").GetProperty("loss").GetProperty("value")[1].GetDouble());
        Assert.Equal("store", json.RootElement.GetProperty("spec").GetProperty("name").GetString());
    }

    [Fact]
    public void ConcurrentWritersFromSeveralThreadsAllLand()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse("""
            { "name": "many", "task": { "kind": "beale" }, "budget": { "steps": 3 }, "seeds": [0,1,2,3,4,5,6,7,8,9],
              "optimizers": [ { "name": "sgd", "lr": [0.1, 0.2, 0.3, 0.4] } ] }
            """, new FakeCatalog());
        using var store = RunStore.Open(dir.Path);
        var runs = spec.Runs();
        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
            store.SaveRun(r, new RunResult(RunStatus.Completed, null, 1, 0, [new("loss", 0, null, r.Seed, 0)], []), Env));
        // A second connection (as another process would open) sees them all.
        using var other = RunStore.OpenExisting(dir.Path);
        Assert.Equal(runs.Count, other.DoneRunKeys().Count);
    }
}
