using System.Globalization;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Lab.Analysis;

/// <summary>
/// Turns an experiment's stored runs into its <see cref="ExperimentSummary"/> (deterministic) and
/// <see cref="TimingSummary"/> (wall clock). See <see cref="MethodNotes"/> for every definition.
/// </summary>
public static class Analyzer
{
    /// <summary>Base seed of the bootstrap; configuration i uses <c>BootstrapSeed + i</c>.</summary>
    public const ulong BootstrapSeed = 20_240_601;

    /// <summary>The definitions used, as written into <c>summary.json</c>.</summary>
    public static IReadOnlyDictionary<string, string> MethodNotes { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["final"] = "value of the main metric at the end of training (last epoch evaluation, or last step for step-metric tasks); diverged runs are excluded from mean/std/CI and counted in the divergence rate; runs stopped early (early_stopping) are excluded from mean/std/CI and counted as stopped",
        ["std"] = "sample standard deviation over seeds (n - 1 denominator)",
        ["ci95"] = $"95% percentile bootstrap interval of the mean over seeds: {Statistics.DefaultResamples} resamples with replacement drawn by xoshiro256** seeded {BootstrapSeed} + configuration index; quantiles with linear interpolation (numpy default)",
        ["steps_to_target"] = "first measured step at which the main metric reaches the target (<= for min, >= for max); a run that never reaches it (or diverges first) is a miss and counts as never (+inf); the median over seeds is null ('never') when half or more of the runs missed",
        ["best_configuration"] = "per optimizer: fewest diverged runs, then best final mean, then first in spec order",
        ["lr_sensitivity"] = "per learning rate the best configuration with that lr; spread = max - min of final means over lrs that did not always diverge; robust_lr_range = lowest and highest lr whose runs all reached the target",
        ["comparison"] = "pairwise between optimizers' best configurations: difference of final means (A - B), Welch's unequal-variance t-test (two-sided, Welch-Satterthwaite df), 95% CI half-width t(0.975, df) * SE; significant when p < 0.05; no test (test = 'deterministic') when every seed gives the same final value on both sides, as the seeds then do not vary the task; no test (test = 'too few values') with fewer than 2 non-diverged runs on a side; speedup = median steps to target of B / of A",
        ["determinism"] = "summary.json depends only on the spec and the stored metrics; wall-clock times are in timing.json, so an interrupted and resumed experiment gives a byte-identical summary.json",
        ["resources"] = "trainable_parameters: elements of the parameters that require gradients in the run's optimizers; optimizer_state_bytes: their optimizer state at the end of the run; both the largest over the configuration's stored runs. peak_working_set_bytes (timing.json, machine-dependent): the process's peak working set during a run — the kernel's exact peak resident set when the run had the process to itself (one job, Linux), else the largest 20 ms sample, which then includes runs in parallel; it includes what the process held before the run (runtime, data and models shared by the runs); the largest over the configuration's runs",
    };

    /// <summary>Computes the summary and timing of <paramref name="spec"/> from <paramref name="runs"/>.</summary>
    public static (ExperimentSummary Summary, TimingSummary Timing) Analyze(ExperimentSpec spec, IReadOnlyList<StoredRun> runs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(runs);
        var byKey = runs.Where(r => r.Result.Status != RunStatus.Failed).ToDictionary(r => r.RunKey, StringComparer.Ordinal);
        var configs = spec.Configurations();
        var summaries = new List<ConfigurationSummary>();
        var timings = new List<ConfigurationTiming>();
        var stored = 0;
        foreach (var c in configs)
        {
            var seedRuns = spec.Seeds.Select(s => byKey.GetValueOrDefault(new RunDescriptor(c, s).Key)).ToList();
            stored += seedRuns.Count(r => r is not null);
            summaries.Add(Summarize(spec, c, seedRuns));
            timings.Add(Time(spec, c, seedRuns));
        }

        var optimizers = spec.Optimizers
            .Select((o, i) => SummarizeOptimizer(spec, o, summaries.Where(s => configs[s.Index].OptimizerIndex == i).ToList()))
            .Where(o => o is not null)
            .Select(o => o!)
            .OrderBy(o => Rank(spec, summaries[o.BestConfiguration]))
            .ThenBy(o => o.BestConfiguration)
            .ToList();
        var comparisons = new List<Comparison>();
        for (var i = 0; i < optimizers.Count; i++)
        {
            for (var j = i + 1; j < optimizers.Count; j++)
            {
                comparisons.Add(Compare(spec, optimizers[i], optimizers[j], summaries, configs));
            }
        }

        var summary = new ExperimentSummary(
            spec.Name,
            spec.Task.Kind,
            BudgetText(spec.Budget),
            spec.Metric,
            spec.Goal == MetricGoal.Minimize ? "min" : "max",
            spec.Target is null ? null : TargetText(spec.Target),
            spec.Seeds,
            configs.Count * spec.Seeds.Count,
            stored,
            Verdict.Write(spec, optimizers, comparisons, summaries),
            optimizers,
            comparisons,
            summaries,
            MethodNotes);
        return (summary, new TimingSummary(timings));
    }

    /// <summary>The main metric's series of a run: its epoch evaluations if it has any, else its per-step values.</summary>
    public static IReadOnlyList<MetricPoint> Series(RunResult result, string metric)
    {
        ArgumentNullException.ThrowIfNull(result);
        var epochs = result.EpochMetrics.Where(m => m.Name == metric).OrderBy(m => m.Step).ToList();
        return epochs.Count > 0 ? epochs : [.. result.StepMetrics.Where(m => m.Name == metric).OrderBy(m => m.Step)];
    }

    /// <summary>"30 epochs" / "500 steps".</summary>
    public static string BudgetText(BudgetSpec budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Epochs is { } e
            ? $"{e.ToString(CultureInfo.InvariantCulture)} epoch{(e == 1 ? "" : "s")}"
            : $"{budget.Steps!.Value.ToString(CultureInfo.InvariantCulture)} steps";
    }

    /// <summary>"val_accuracy ≥ 0.95" / "loss ≤ 0.001".</summary>
    public static string TargetText(TargetSpec target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"{target.Metric} {(target.Goal == MetricGoal.Minimize ? "≤" : "≥")} {HyperparameterValue.FormatNumber(target.Value)}";
    }

    /// <summary>Median with misses as +∞; null when the median is infinite.</summary>
    public static double? MedianWithMisses(IReadOnlyList<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Select(v => v ?? double.PositiveInfinity).Order().ToList();
        var m = Statistics.Quantile(sorted, 0.5);
        return double.IsFinite(m) ? m : null;
    }

    private static ConfigurationSummary Summarize(ExperimentSpec spec, RunConfiguration c, List<StoredRun?> seedRuns)
    {
        var present = seedRuns.Where(r => r is not null).ToList();
        var diverged = present.Count(r => r!.Result.Status == RunStatus.Diverged);
        var finals = seedRuns.Select(r => r is null || r.Result.Status != RunStatus.Completed ? (double?)null : Last(Series(r.Result, spec.Metric))).ToList();
        var bests = seedRuns.Select(r => r is null || r.Result.Status != RunStatus.Completed ? (double?)null : BestOf(spec.Goal, Series(r.Result, spec.Metric))).ToList();
        TargetStats? target = null;
        if (spec.Target is not null)
        {
            var steps = seedRuns.Select(r => r is null ? null : FirstReach(spec.Target, r.Result)?.Step).ToList();
            var present2 = seedRuns.Select((r, i) => (r, i)).Where(x => x.r is not null).Select(x => steps[x.i]).ToList();
            target = new TargetStats(present2.Count(s => s is not null), present.Count,
                MedianWithMisses([.. present2.Select(s => (double?)s)]), steps);
        }

        return new ConfigurationSummary(
            c.Index,
            c.Label,
            c.Optimizer,
            c.Description,
            c.Hyperparameters.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.Ordinal),
            c.LearningRate,
            present.Count,
            diverged,
            present.Count == 0 ? 0 : (double)diverged / present.Count,
            Stats(finals, BootstrapSeed + (ulong)c.Index),
            Stats(bests, BootstrapSeed + (ulong)c.Index),
            target,
            Largest(present, RunResources.TrainableParameters),
            Largest(present, RunResources.OptimizerStateBytes))
        {
            Stopped = present.Count(r => r!.Result.Status == RunStatus.Stopped),
        };
    }

    private static long? Largest(IEnumerable<StoredRun?> runs, string resource) =>
        runs.Select(r => r is null ? null : RunResources.Of(r.Result, resource)).Max();

    private static MetricStats Stats(List<double?> perSeed, ulong seed)
    {
        var values = perSeed.Where(v => v is not null && double.IsFinite(v.Value)).Select(v => v!.Value).ToList();
        if (values.Count == 0)
        {
            return new MetricStats(null, null, null, null, 0, perSeed);
        }

        var (lo, hi) = Statistics.BootstrapMeanCi(values, seed);
        return new MetricStats(Statistics.Mean(values), Statistics.StandardDeviation(values), lo, hi, values.Count, perSeed);
    }

    private static ConfigurationTiming Time(ExperimentSpec spec, RunConfiguration c, List<StoredRun?> seedRuns)
    {
        var present = seedRuns.Where(r => r is not null).Select(r => r!).ToList();
        var seconds = present.Select(r => r.Result.Seconds).ToList();
        var perStep = present.Select(r => r.Result.Seconds / Math.Max(1, r.Result.Steps)).ToList();
        var toTarget = seedRuns.Select(r => r is null || spec.Target is null ? null : FirstReach(spec.Target, r.Result)?.Seconds).ToList();
        var presentTargets = seedRuns.Select((r, i) => (r, i)).Where(x => x.r is not null).Select(x => toTarget[x.i]).ToList();
        return new ConfigurationTiming(c.Index, c.Label, c.Description,
            seconds.Count == 0 ? 0 : Statistics.Mean(seconds),
            perStep.Count == 0 ? 0 : Statistics.Mean(perStep),
            spec.Target is null ? null : MedianWithMisses(presentTargets),
            toTarget,
            Largest(present, RunResources.PeakWorkingSetBytes));
    }

    private static OptimizerSummary? SummarizeOptimizer(ExperimentSpec spec, OptimizerSpec o, List<ConfigurationSummary> mine)
    {
        if (mine.Count == 0)
        {
            return null;
        }

        var best = mine.OrderBy(s => Rank(spec, s)).ThenBy(s => s.Index).First();
        var points = mine.Where(s => s.LearningRate is not null)
            .GroupBy(s => s.LearningRate!.Value)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var b = g.OrderBy(s => Rank(spec, s)).ThenBy(s => s.Index).First();
                double? reached = b.Target is null || b.Target.Runs == 0 ? null : (double)b.Target.Reached / b.Target.Runs;
                return new LearningRatePoint(g.Key, b.Index, b.Final.Mean, b.Final.Std, b.DivergenceRate, reached);
            })
            .ToList();
        var means = points.Where(p => p.Mean is not null).Select(p => p.Mean!.Value).ToList();
        double? spread = means.Count >= 2 ? means.Max() - means.Min() : null;
        var robust = points.Where(p => p.ReachedRate == 1).Select(p => p.LearningRate).ToList();
        return new OptimizerSummary(o.Label, o.Name, best.Index, best.Description, best.LearningRate, points, spread,
            robust.Count == 0 ? null : [robust.Min(), robust.Max()]);
    }

    private static (double Divergence, double Score) Rank(ExperimentSpec spec, ConfigurationSummary s)
    {
        if (s.Final.Mean is not { } m)
        {
            return (2, double.PositiveInfinity);
        }

        return (s.DivergenceRate, spec.Goal == MetricGoal.Minimize ? m : -m);
    }

    private static Comparison Compare(ExperimentSpec spec, OptimizerSummary a, OptimizerSummary b, List<ConfigurationSummary> summaries, IReadOnlyList<RunConfiguration> configs)
    {
        var ca = summaries[a.BestConfiguration];
        var cb = summaries[b.BestConfiguration];
        var va = ca.Final.Values.Where(v => v is not null).Select(v => v!.Value).ToList();
        var vb = cb.Final.Values.Where(v => v is not null).Select(v => v!.Value).ToList();
        // Welch's test assumes values that vary from seed to seed. When every seed gives the same value on both
        // sides (a deterministic task such as rosenbrock from a fixed start), the difference is exact, not an
        // estimate: no test statistic, no p-value, no claim of significance.
        var test = va.Count < 2 || vb.Count < 2 ? Comparison.TooFewValues
            : IsConstant(va) && IsConstant(vb) ? Comparison.Deterministic
            : Comparison.Welch;
        var welch = test == Comparison.Welch ? Statistics.WelchTTest(va, vb) : null;
        double? diff = va.Count > 0 && vb.Count > 0 ? Statistics.Mean(va) - Statistics.Mean(vb) : null;
        var sa = ca.Target?.MedianSteps;
        var sb = cb.Target?.MedianSteps;
        double? speedup = sa is > 0 && sb is not null ? sb / sa : null;
        return new Comparison(a.Label, b.Label, ca.Index, cb.Index, diff,
            Finite(welch?.HalfWidth95), Finite(welch?.T), Finite(welch?.DegreesOfFreedom), Finite(welch?.P),
            welch is not null && welch.P < 0.05, sa, sb, speedup, test);
    }

    private static bool IsConstant(List<double> values) => values.All(v => v.Equals(values[0]));

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;

    private static double? Last(IReadOnlyList<MetricPoint> series) => series.Count == 0 ? null : series[^1].Value;

    private static double? BestOf(MetricGoal goal, IReadOnlyList<MetricPoint> series)
    {
        var vals = series.Where(p => double.IsFinite(p.Value)).Select(p => p.Value).ToList();
        return vals.Count == 0 ? null : goal == MetricGoal.Minimize ? vals.Min() : vals.Max();
    }

    private static MetricPoint? FirstReach(TargetSpec target, RunResult result)
    {
        foreach (var p in Series(result, target.Metric))
        {
            if (target.Goal == MetricGoal.Minimize ? p.Value <= target.Value : p.Value >= target.Value)
            {
                return p;
            }
        }

        return null;
    }
}
