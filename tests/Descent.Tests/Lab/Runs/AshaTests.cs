using Descent.Lab;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab.Runs;

/// <summary>Issue 19: early stopping of hopeless configurations (ASHA) — the rungs, the decision rule (Ray Tune's
/// ASHAScheduler: stop when worse than the (1 − 1/η) quantile of the values recorded before), and a run through the runner.</summary>
public sealed class AshaTests
{
    [Fact]
    public void RungsGrowByTheReductionFactorBelowTheBudget()
    {
        var es = new EarlyStoppingSpec("asha", "loss", MetricGoal.Minimize, 3, 1);
        Assert.Equal([1, 3, 9, 27], es.Rungs(30));
        Assert.Equal([1, 3, 9], es.Rungs(27));
        Assert.Equal([2, 3, 5, 7], (es with { MinBudget = 2, ReductionFactor = 1.5 }).Rungs(10)); // 2, 3, 4.5 and 6.75 rounded up
    }

    [Theory]
    [InlineData(1.5, false)] // reward −1.5 ≥ cutoff −5/3 (the 2/3 quantile of −3, −2, −1)
    [InlineData(1.66, false)]
    [InlineData(2.0, true)]
    [InlineData(double.NaN, true)]
    public void AMinimizedMetricContinuesOnlyInTheBestThird(double value, bool stops) =>
        Assert.Equal(stops, Asha.ShouldStop([1, 2, 3], value, MetricGoal.Minimize, 3));

    [Fact]
    public void AMaximizedMetricUsesTheUpperQuantileAndTheFirstRunAlwaysContinues()
    {
        Assert.False(Asha.ShouldStop([], 0, MetricGoal.Maximize, 3));
        Assert.False(Asha.ShouldStop([double.NaN], 0, MetricGoal.Maximize, 3));
        Assert.True(Asha.ShouldStop([0.5, 0.9], 0.69, MetricGoal.Maximize, 2)); // cutoff: the median, 0.7
        Assert.False(Asha.ShouldStop([0.5, 0.9], 0.7, MetricGoal.Maximize, 2)); // not worse than the cutoff: continues
        Assert.Throws<ArgumentOutOfRangeException>(() => Asha.ShouldStop([1], 1, MetricGoal.Maximize, 1));
    }

    [Fact]
    public void TheRunnerStopsWorseConfigurationsAndTheReportListsThem()
    {
        const string json = """
            { "name": "asha", "task": { "kind": "rosenbrock" }, "budget": { "steps": 40 }, "seeds": [0],
              "optimizers": [ { "name": "adam", "lr": [0.05, 0.0001, 0.00005, 0.00002] } ],
              "early_stopping": { "method": "asha", "metric": "loss", "reduction_factor": 2, "min_budget": 5 } }
            """;
        var spec = SpecParser.Parse(json, EngineCatalog.Instance);
        using var dir = new TempDir();
        var (outcome, summary) = ExperimentPipeline.Run(spec, dir.Path, EngineCatalog.Instance, jobs: 1);

        // One job runs the configurations in spec order: the first (the best) continues at every rung; the later, slower
        // ones are worse than it at rung 5 and stop there.
        Assert.Equal(4, outcome.Executed);
        Assert.True(outcome.Stopped >= 1, $"stopped {outcome.Stopped}");
        using var store = RunStore.OpenExisting(dir.Path);
        var runs = store.LoadRuns();
        var first = runs.Single(r => r.RunKey == spec.Runs()[0].Key);
        Assert.Equal(RunStatus.Completed, first.Result.Status);
        var stopped = runs.Where(r => r.Result.Status == RunStatus.Stopped).ToList();
        Assert.Equal(outcome.Stopped, stopped.Count);
        Assert.All(stopped, r => Assert.Contains("stopped early at rung", r.Result.Message, StringComparison.Ordinal));
        Assert.All(stopped, r => Assert.True(r.Result.Steps < 40));
        Assert.Equal(stopped.Count, summary.Configurations.Sum(c => c.Stopped));
        var html = File.ReadAllText(dir.Sub("report.html"));
        Assert.Contains("early-stopped runs", html, StringComparison.Ordinal);
        Assert.Contains("<b>stopped early</b>", html, StringComparison.Ordinal);

        // Resuming reruns nothing: stopped runs are done.
        var (again, _) = ExperimentPipeline.Run(spec, dir.Path, EngineCatalog.Instance, jobs: 1);
        Assert.Equal(0, again.Executed);
    }
}
