using System.Globalization;
using System.Text;
using Descent.Lab.Specs;

namespace Descent.Lab.Analysis;

/// <summary>Writes the plain-language verdict at the top of the report: the best optimizer against the
/// runner-up, in steps to target and final metric, with the significance of the difference.</summary>
public static class Verdict
{
    /// <summary>The verdict for ranked <paramref name="optimizers"/> and their <paramref name="comparisons"/>.</summary>
    public static string Write(ExperimentSpec spec, IReadOnlyList<OptimizerSummary> optimizers, IReadOnlyList<Comparison> comparisons, IReadOnlyList<ConfigurationSummary> configs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(configs);
        var budget = Analyzer.BudgetText(spec.Budget);
        var n = spec.Seeds.Count;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"On {spec.Task.Kind}, with a budget of {budget} and {n} seed{(n == 1 ? "" : "s")}, ");
        if (optimizers.Count == 0 || configs.All(c => c.Runs == 0))
        {
            return sb.Append("no runs have finished yet.").ToString();
        }

        var a = optimizers[0];
        var ca = configs[a.BestConfiguration];
        if (optimizers.Count == 1)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{a.Label} at its best setting ({a.BestDescription}) ends with {spec.Metric} {Stat(spec, ca.Final)}");
            if (ca.Target is { } t0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" and reached the target in {t0.Reached} of {t0.Runs} runs");
            }

            return sb.Append('.').ToString();
        }

        var c = comparisons.First(x => x.A == a.Label);
        var b = optimizers.First(o => o.Label == c.B);
        var cb = configs[b.BestConfiguration];
        if (ca.Final.Mean is null)
        {
            return sb.Append("every configuration of every optimizer diverged.").ToString();
        }

        var names = $"{a.Label} ({a.BestDescription})";
        var namesB = $"{b.Label} ({b.BestDescription})";
        if (spec.Target is { } target)
        {
            var tt = Analyzer.TargetText(target);
            if (c.MedianStepsA is { } sa && c.MedianStepsB is { } sb2)
            {
                var (fast, slow, fs, ss) = sa <= sb2 ? (names, namesB, sa, sb2) : (namesB, names, sb2, sa);
                sb.Append(string.Create(CultureInfo.InvariantCulture, $"{fast} reached the target ({tt}) {ss / fs:0.0}× sooner than {slow} (median {fs:0} vs {ss:0} steps)"));
            }
            else if (c.MedianStepsA is { } sa2)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{names} reached the target ({tt}) in a median of {sa2:0} steps, while {namesB} did not reach it in {cb.Target!.Runs - cb.Target.Reached} of {cb.Target.Runs} runs");
            }
            else if (c.MedianStepsB is { } sb3)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{namesB} reached the target ({tt}) in a median of {sb3:0} steps, while {names} did not reach it in {ca.Target!.Runs - ca.Target.Reached} of {ca.Target.Runs} runs");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"neither {names} nor {namesB} reliably reached the target ({tt})");
            }

            sb.Append("; ");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"{names} ranks ahead of {namesB}; ");
        }

        if (c.Difference is { } d)
        {
            var pct = IsAccuracy(spec.Metric);
            var unit = pct ? " points" : "";
            var scale = pct ? 100 : 1;
            var direction = d > 0 ? "higher" : d < 0 ? "lower" : "different";
            sb.Append(d == 0
                ? $"final {spec.Metric} is the same for both"
                : $"{a.Label}'s final {spec.Metric} is {direction} by {Num(Math.Abs(d) * scale)}");
            if (c.HalfWidth95 is { } h && c.P is { } p)
            {
                sb.Append(CultureInfo.InvariantCulture, $" ± {Num(h * scale)}{unit} (95% CI, Welch's t-test p = {P(p)}), {(c.Significant ? "significant" : "not significant")}");
            }
            else if (c.Test == Comparison.Deterministic)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{unit} (deterministic: every seed gives the same result, the seeds do not vary this task, so no significance test applies)");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"{unit} (too few seeds for a significance test)");
            }
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"{b.Label} diverged in every run at its best setting");
        }

        if (cb.Diverged > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; {b.Label} diverged in {cb.Diverged} of {cb.Runs} runs at its best setting");
        }

        return sb.Append('.').ToString();
    }

    /// <summary>True for metrics shown in percentage points.</summary>
    public static bool IsAccuracy(string metric) => metric.Contains("accuracy", StringComparison.Ordinal);

    /// <summary>A metric's mean ± std as text.</summary>
    public static string Stat(ExperimentSpec spec, MetricStats s)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(s);
        if (s.Mean is not { } m)
        {
            return "— (all diverged)";
        }

        return IsAccuracy(spec.Metric)
            ? string.Create(CultureInfo.InvariantCulture, $"{m * 100:0.00}% ± {(s.Std ?? 0) * 100:0.00}")
            : $"{Num(m)} ± {Num(s.Std ?? 0)}";
    }

    /// <summary>A number with 3 significant digits, invariant culture.</summary>
    public static string Num(double v)
    {
        if (v == 0 || !double.IsFinite(v))
        {
            return v.ToString(CultureInfo.InvariantCulture);
        }

        var a = Math.Abs(v);
        return a switch
        {
            >= 1e5 => v.ToString("0.##E+0", CultureInfo.InvariantCulture),
            >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
            >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
            >= 1 => v.ToString("0.00", CultureInfo.InvariantCulture),
            >= 1e-3 => v.ToString("G3", CultureInfo.InvariantCulture),
            _ => v.ToString("0.##e+0", CultureInfo.InvariantCulture),
        };
    }

    private static string P(double p) => p < 0.001 ? "< 0.001" : p.ToString("0.000", CultureInfo.InvariantCulture);
}
