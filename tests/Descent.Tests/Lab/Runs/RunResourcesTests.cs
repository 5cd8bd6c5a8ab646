using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Lab.Runs;

/// <summary>The trainable parameters, optimizer state and peak working set the runner records for every run, and the
/// report columns that show them.</summary>
public sealed class RunResourcesTests
{
    private const string Json = """
        { "name": "resources", "task": { "kind": "rosenbrock" }, "budget": { "steps": 20 }, "seeds": [0, 1],
          "optimizers": [ { "name": "sgd", "lr": 1e-3 }, { "name": "adam", "lr": 1e-2 } ] }
        """;

    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheRunnerRecordsEveryRunsResourcesAndTheReportShowsThem(int jobs)
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse(Json, EngineCatalog.Instance);
        IReadOnlyList<StoredRun> runs;
        using (var store = RunStore.Open(dir.Path))
        {
            var outcome = new ExperimentRunner(spec, EngineCatalog.Instance, store) { Jobs = jobs, Environment = Env }.Run();
            Assert.Empty(outcome.Failed);
            runs = store.LoadRuns();
        }

        // The same optimizers built by hand after the same number of steps: their state is what the runs recorded.
        var expectedState = new Dictionary<string, long>
        {
            ["sgd"] = StateAfterSteps(new Sgd([new Parameter(2)], new SgdOptions { LearningRate = 1e-3 })),
            ["adam"] = StateAfterSteps(new Adam([new Parameter(2)], new AdamOptions { LearningRate = 1e-2 })),
        };
        Assert.Equal(4, runs.Count);
        foreach (var run in runs)
        {
            Assert.Equal(2, RunResources.Of(run.Result, RunResources.TrainableParameters));
            Assert.Equal(expectedState[run.Optimizer], RunResources.Of(run.Result, RunResources.OptimizerStateBytes));
            Assert.True(RunResources.Of(run.Result, RunResources.PeakWorkingSetBytes) > 0);
        }

        var (summary, timing) = Analyzer.Analyze(spec, runs);
        Assert.Equal([2L, 2L], summary.Configurations.Select(c => c.TrainableParameters));
        Assert.Equal([expectedState["sgd"], expectedState["adam"]], summary.Configurations.Select(c => c.OptimizerStateBytes));
        Assert.All(timing.Configurations, t => Assert.True(t.PeakWorkingSetBytes > 0));
        var json = SummaryJson.Serialize(summary);
        Assert.Contains("\"optimizer_state_bytes\": " + expectedState["adam"], json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"peak_working_set_bytes\": ", json, StringComparison.Ordinal);
        Assert.Contains("\"peak_working_set_bytes\": ", SummaryJson.Serialize(timing), StringComparison.Ordinal);

        var html = File.ReadAllText(Descent.Lab.Reports.ReportWriter.Write(dir.Sub("report"), spec, summary, timing, runs)[0]);
        Assert.Contains("Trainable<br><small>parameters</small>", html, StringComparison.Ordinal);
        Assert.Contains("Peak working set<br><small>during run</small>", html, StringComparison.Ordinal);
        Assert.Contains($"{expectedState["adam"]} B</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsStoredWithoutResourcesLeaveTheColumnsOut()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse(Json, EngineCatalog.Instance);
        var result = new RunResult(RunStatus.Completed, null, 1, 0.1, [new MetricPoint("loss", 1, null, 0.5, 0.1)], []);
        var runs = spec.Runs().Select(r => new StoredRun(r.Key, r.Configuration.Key, r.Configuration.Label, r.Configuration.Optimizer, r.Seed, result, Env, "now")).ToList();
        var (summary, timing) = Analyzer.Analyze(spec, runs);
        Assert.All(summary.Configurations, c => Assert.Null(c.TrainableParameters ?? c.OptimizerStateBytes));
        Assert.All(timing.Configurations, t => Assert.Null(t.PeakWorkingSetBytes));
        var html = File.ReadAllText(Descent.Lab.Reports.ReportWriter.Write(dir.Path, spec, summary, timing, runs)[0]);
        Assert.DoesNotContain("Peak working set", html, StringComparison.Ordinal);
    }

    [Fact]
    public void PlansBecomeGroupsWithScaledLearningRatesAndNoDecayWhereAsked()
    {
        var spec = SpecParser.Parse("""
            { "name": "plans", "task": { "kind": "rosenbrock" }, "budget": { "steps": 1 }, "seeds": [0],
              "optimizers": [ { "name": "adamw", "lr": 1e-3, "weight_decay": 0.1, "betas": [0.8, 0.99] } ] }
            """, EngineCatalog.Instance);
        var context = new RunContext(spec, spec.Runs().Single(), EngineCatalog.Instance);
        var (a, b, bias) = (new Parameter(4, 2), new Parameter(2, 4), new Parameter(2));
        var optimizer = context.CreateOptimizer([
            new ParameterGroupPlan("lora_a", [("a", a)], 1, false),
            new ParameterGroupPlan("lora_b", [("b", b)], 16, false),
            new ParameterGroupPlan("lora_b.no_decay", [("bias", bias)], 16, true),
        ]);
        var groups = optimizer.Groups.Select(g => (AdamWOptions)g.BaseOptions).ToList();
        Assert.Equal([1e-3, 16e-3, 16e-3], groups.Select(g => g.LearningRate));
        Assert.Equal([0.1, 0.1, 0], groups.Select(g => g.WeightDecay));
        Assert.All(groups, g => Assert.Equal((0.8, 0.99), (g.Beta1, g.Beta2)));
        Assert.Equal([a, b, bias], optimizer.Groups.SelectMany(g => g.Parameters));

        // One plan at scale 1 is the plain configured optimizer: one group, the spec's options.
        var single = context.CreateOptimizer([new ParameterGroupPlan("trainable", [("a", a), ("b", b)], 1, false)]);
        var plain = context.CreateOptimizer([a, b]);
        Assert.Equal(plain.Groups.Single().BaseOptions, single.Groups.Single().BaseOptions);
        Assert.Equal([optimizer, single, plain], context.Optimizers);
        Assert.Throws<ArgumentException>(() => context.CreateOptimizer(Array.Empty<ParameterGroupPlan>()));
    }

    [Fact]
    public void TheMeterSeesMemoryTheRunTouches()
    {
        const int Bytes = 64 << 20;
        long peak;
        using (var meter = PeakWorkingSetMeter.Start(exclusive: false))
        {
            var block = new byte[Bytes];
            for (var i = 0; i < block.Length; i += 4096)
            {
                block[i] = 1;
            }

            peak = meter.Stop();
            GC.KeepAlive(block);
        }

        Assert.True(peak >= Bytes, $"peak {peak} < {Bytes}");
    }

    private static long StateAfterSteps(Optimizer optimizer)
    {
        var p = optimizer.Groups[0].Parameters[0];
        p.AccumulateGrad([1f, -1f]);
        optimizer.Step();
        return optimizer.StateBytes;
    }
}
