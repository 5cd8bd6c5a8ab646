using Descent.Lab.Analysis;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab;

public sealed class RunnerTests
{
    private const string Json = """
        { "name": "resume", "task": { "kind": "noisy-quadratic", "noise": 0.5 }, "budget": { "steps": 60 },
          "seeds": [0, 1, 2], "target": { "metric": "loss", "value": 0.5 },
          "optimizers": [
            { "name": "sgd", "lr": [0.01, 0.05, 0.25] },
            { "name": "sgd", "label": "momentum", "lr": [0.01, 0.05], "momentum": 0.9 } ] }
        """;

    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    private static string RunAll(string dir, int jobs, int? maxRuns = null)
    {
        var spec = SpecParser.Parse(Json, new FakeCatalog());
        using var store = RunStore.Open(dir);
        var outcome = new ExperimentRunner(spec, new FakeCatalog(), store) { Jobs = jobs, MaxRuns = maxRuns, Environment = Env }.Run();
        Assert.Empty(outcome.Failed);
        var (summary, _) = Analyzer.Analyze(spec, store.LoadRuns());
        return SummaryJson.Serialize(summary);
    }

    [Fact]
    public void InterruptedThenResumedGivesTheSameSummaryAsUninterrupted()
    {
        using var dir = new TempDir();
        var full = RunAll(dir.Sub("full"), jobs: 2);

        // Interrupted after 4 runs; the rest on resume (with another job count).
        RunAll(dir.Sub("resumed"), jobs: 2, maxRuns: 4);
        using (var partial = RunStore.OpenExisting(dir.Sub("resumed")))
        {
            Assert.Equal(4, partial.DoneRunKeys().Count);
        }

        var spec = SpecParser.Parse(Json, new FakeCatalog());
        var progress = new List<RunnerProgress>();
        RunnerOutcome outcome;
        using (var store = RunStore.Open(dir.Sub("resumed")))
        {
            outcome = new ExperimentRunner(spec, new FakeCatalog(), store)
            {
                Jobs = 1,
                Environment = Env,
                Progress = new SyncProgress(progress),
            }.Run();
        }

        Assert.Equal(15, outcome.Total);
        Assert.Equal(4, outcome.Skipped);
        Assert.Equal(11, outcome.Executed);
        Assert.Equal(15, progress[^1].Done);
        Assert.NotNull(progress[^1].Eta);

        // Nothing left: a third invocation executes nothing and the summary is byte-identical.
        var again = RunAll(dir.Sub("resumed"), jobs: 1);
        Assert.Equal(full, again);
    }

    [Fact]
    public void RunsAreDeterministicPerSeedAndSeedsDiffer()
    {
        using var dir = new TempDir();
        RunAll(dir.Sub("a"), jobs: 2);
        RunAll(dir.Sub("b"), jobs: 1);
        using var a = RunStore.OpenExisting(dir.Sub("a"));
        using var b = RunStore.OpenExisting(dir.Sub("b"));
        var ra = a.LoadRuns();
        var rb = b.LoadRuns();
        Assert.Equal(ra.Count, rb.Count);
        for (var i = 0; i < ra.Count; i++)
        {
            Assert.Equal(ra[i].RunKey, rb[i].RunKey);
            Assert.Equal(ra[i].Result.StepMetrics.Select(m => m.Value), rb[i].Result.StepMetrics.Select(m => m.Value));
        }

        var seed0 = ra.First(r => r.Seed == 0).Result.StepMetrics.Where(m => m.Name == "loss").Select(m => m.Value).ToList();
        var seed1 = ra.First(r => r.Seed == 1).Result.StepMetrics.Where(m => m.Name == "loss").Select(m => m.Value).ToList();
        Assert.Equal(seed0[0], seed1[0]);
        Assert.NotEqual(seed0[^1], seed1[^1]);
    }

    [Fact]
    public void ADivergingRunIsRecordedAsDivergedWithItsMetrics()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse("""
            { "name": "boom", "task": { "kind": "rosenbrock" }, "budget": { "steps": 200 }, "seeds": [0],
              "optimizers": [ { "name": "sgd", "lr": [1e-4, 0.5] } ] }
            """, new FakeCatalog());
        using var store = RunStore.Open(dir.Path);
        var outcome = new ExperimentRunner(spec, new FakeCatalog(), store) { Jobs = 2, Environment = Env }.Run();
        Assert.Equal(1, outcome.Diverged);
        var runs = store.LoadRuns();
        var bad = runs.Single(r => r.Result.Status == RunStatus.Diverged);
        Assert.Contains("lr=0.5", bad.ConfigurationKey, StringComparison.Ordinal);
        Assert.Contains("diverged at step", bad.Result.Message, StringComparison.Ordinal);
        var losses = bad.Result.StepMetrics.Where(m => m.Name == "loss").ToList();
        Assert.Equal(bad.Result.Steps + 1, losses.Count);
        Assert.False(double.IsFinite(losses[^1].Value));
        Assert.True(double.IsFinite(losses[0].Value));
        Assert.Equal(RunStatus.Completed, runs.Single(r => r.Result.Status != RunStatus.Diverged).Result.Status);

        var (summary, _) = Analyzer.Analyze(spec, runs);
        Assert.Equal(1.0, summary.Configurations[1].DivergenceRate);
        Assert.Null(summary.Configurations[1].Final.Mean);
        Assert.Equal(0, summary.Optimizers[0].BestConfiguration);
    }

    [Fact]
    public void PlainSgdOnTheQuadraticFollowsTheClosedForm()
    {
        // Without noise, SGD on ½(x² + 10y²) from (3, 2) gives x_s = 3(1 − lr)^s, y_s = 2(1 − 10 lr)^s.
        using var dir = new TempDir();
        var spec = SpecParser.Parse("""
            { "name": "closed", "task": { "kind": "noisy-quadratic", "noise": 0 }, "budget": { "steps": 20 },
              "optimizers": [ { "name": "sgd", "lr": 0.05 } ] }
            """, new FakeCatalog());
        using var store = RunStore.Open(dir.Path);
        new ExperimentRunner(spec, new FakeCatalog(), store) { Jobs = 1, Environment = Env }.Run();
        var m = store.LoadRuns().Single().Result.StepMetrics;
        var x = m.Where(p => p.Name == "x").OrderBy(p => p.Step).Select(p => p.Value).ToList();
        var y = m.Where(p => p.Name == "y").OrderBy(p => p.Step).Select(p => p.Value).ToList();
        Assert.Equal(21, x.Count);
        for (var s = 0; s <= 20; s++)
        {
            Assert.Equal(3 * Math.Pow(0.95, s), x[s], 5);
            Assert.Equal(2 * Math.Pow(0.5, s), y[s], 5);
        }
    }

    private sealed class SyncProgress(List<RunnerProgress> sink) : IProgress<RunnerProgress>
    {
        public void Report(RunnerProgress value) => sink.Add(value);
    }
}
