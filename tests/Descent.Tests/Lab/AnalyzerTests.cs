using Descent.Lab.Analysis;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab;

public sealed class AnalyzerTests
{
    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    private static readonly ExperimentSpec Spec = SpecParser.Parse("""
        { "name": "hand", "task": { "kind": "beale" }, "budget": { "steps": 6 }, "seeds": [0, 1, 2],
          "target": { "metric": "loss", "value": 1 },
          "optimizers": [ { "name": "sgd", "lr": [0.1, 0.2] }, { "name": "adam", "lr": 0.01 } ] }
        """, new FakeCatalog());

    /// <summary>Loss 2 until <paramref name="reach"/> (or the last step), then <paramref name="final"/>; 6 steps.</summary>
    private static RunResult Run(double final, int? reach, bool diverged = false)
    {
        var points = Enumerable.Range(0, 7)
            .Select(s => new MetricPoint("loss", s, null, diverged && s == 6 ? double.NaN : (reach is { } r && s >= r) || s == 6 ? final : 2.0, s * 0.1))
            .ToList();
        return new RunResult(diverged ? RunStatus.Diverged : RunStatus.Completed, null, 6, 0.6, points, []);
    }

    private static IReadOnlyList<StoredRun> Runs()
    {
        var runs = Spec.Runs();
        RunResult[] results =
        [
            Run(0.5, 3), Run(0.7, 5), Run(1.5, null),            // sgd lr 0.1
            Run(0, null, diverged: true), Run(0.2, 1), Run(0.4, 2), // sgd lr 0.2: one divergence
            Run(0.1, 2), Run(0.2, 2), Run(0.3, 2),                // adam lr 0.01
        ];
        return [.. runs.Select((r, i) => new StoredRun(r.Key, r.Configuration.Key, r.Configuration.Label, r.Configuration.Optimizer, r.Seed, results[i], Env, "t"))];
    }

    [Fact]
    public void NumbersMatchHandComputation()
    {
        var (s, timing) = Analyzer.Analyze(Spec, Runs());
        Assert.Equal(9, s.RunsStored);
        var sgd1 = s.Configurations[0];
        Assert.Equal(0.9, sgd1.Final.Mean!.Value, 12);
        Assert.Equal(0.5291502622129182, sgd1.Final.Std!.Value, 12);
        Assert.Equal([0.5, 0.7, 1.5], sgd1.Final.Values);
        Assert.Equal(3, sgd1.Target!.Runs);
        Assert.Equal(2, sgd1.Target.Reached);
        Assert.Equal([3, 5, null], sgd1.Target.PerSeed);
        Assert.Equal(5.0, sgd1.Target.MedianSteps); // sorted {3, 5, ∞}
        Assert.InRange(sgd1.Final.Ci95Low!.Value, 0.5, 0.9);
        Assert.InRange(sgd1.Final.Ci95High!.Value, 0.9, 1.5);

        var sgd2 = s.Configurations[1];
        Assert.Equal(1, sgd2.Diverged);
        Assert.Equal(1.0 / 3, sgd2.DivergenceRate, 12);
        Assert.Equal(0.3, sgd2.Final.Mean!.Value, 12);
        Assert.Equal(2, sgd2.Final.N);
        Assert.Equal(2.0, sgd2.Target!.MedianSteps); // sorted {1, 2, ∞}

        // sgd's best is lr 0.1: no divergence beats a better mean with one divergence.
        var sgd = s.Optimizers.Single(o => o.Label == "sgd");
        Assert.Equal(0, sgd.BestConfiguration);
        Assert.Equal(0.1, sgd.BestLearningRate);
        Assert.Equal([0.1, 0.2], sgd.Sensitivity.Select(p => p.LearningRate));
        Assert.Equal(0.9 - 0.3, sgd.Spread!.Value, 12);
        Assert.Null(sgd.RobustLrRange); // neither lr reached the target in every run

        // Ranking: adam (0.2) ahead of sgd (0.9).
        Assert.Equal(["adam", "sgd"], s.Optimizers.Select(o => o.Label));
        var c = Assert.Single(s.Comparisons);
        Assert.Equal(("adam", "sgd"), (c.A, c.B));
        Assert.Equal(-0.7, c.Difference!.Value, 12);
        Assert.Equal(-2.251436323159369, c.T!.Value, 10);
        Assert.Equal(2.1426751592356683, c.DegreesOfFreedom!.Value, 10);
        Assert.Equal(0.14471275134933184, c.P!.Value, 7);
        Assert.False(c.Significant);
        Assert.Equal(2.0, c.MedianStepsA);
        Assert.Equal(5.0, c.MedianStepsB);
        Assert.Equal(2.5, c.SpeedupAOverB);
        Assert.Equal("On beale, with a budget of 6 steps and 3 seeds, adam (lr=0.01) reached the target (loss ≤ 1) 2.5× sooner than sgd (lr=0.1) (median 2 vs 5 steps); adam's final loss is lower by 0.7 ± 1.26 (95% CI, Welch's t-test p = 0.145), not significant.", s.Verdict);

        // Timing: seconds to target are the recorded times of the first reaching points.
        Assert.Equal([0.30000000000000004, 0.5, null], timing.Configurations[0].SecondsToTarget);
        Assert.Equal(0.1, timing.Configurations[0].MeanSecondsPerStep, 12);
    }

    [Fact]
    public void SummaryIgnoresRunOrderAndWallClock()
    {
        var runs = Runs();
        var shuffled = runs.Reverse().Select(r => r with { Result = r.Result with { Seconds = 99, StepMetrics = [.. r.Result.StepMetrics.Select(p => p with { Seconds = 7 })] } }).ToList();
        Assert.Equal(SummaryJson.Serialize(Analyzer.Analyze(Spec, runs).Summary), SummaryJson.Serialize(Analyzer.Analyze(Spec, shuffled).Summary));
    }

    [Fact]
    public void MissingRunsAreNotCounted()
    {
        var partial = Runs().Take(4).ToList();
        var (s, _) = Analyzer.Analyze(Spec, partial);
        Assert.Equal(4, s.RunsStored);
        Assert.Equal(0, s.Configurations[2].Runs);
        Assert.Null(s.Configurations[2].Final.Mean);
        Assert.Equal([null, null, null], s.Configurations[2].Final.Values);
    }
}
