using System.Globalization;
using System.Net;
using System.Text;
using Descent.Lab.Analysis;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Lab.Reports;

/// <summary>
/// Writes an experiment's report into its output folder: one self-contained <c>report.html</c> (CSS inline,
/// charts embedded as base64 PNG; no network needed to view it) and the charts as separate PNG files.
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes the report; returns the paths written (report.html first).</summary>
    public static IReadOnlyList<string> Write(
        string directory, ExperimentSpec spec, ExperimentSummary summary, TimingSummary timing, IReadOnlyList<StoredRun> runs)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(timing);
        ArgumentNullException.ThrowIfNull(runs);
        Directory.CreateDirectory(directory);
        var images = summary.RunsStored > 0 && Charting.IsAvailable
            ? DrawCharts(spec, summary, runs)
            : new List<(string File, string Title, string Caption, byte[] Png)>();
        var written = new List<string>();
        foreach (var (file, _, _, png) in images)
        {
            var path = Path.Combine(directory, file);
            File.WriteAllBytes(path, png);
            written.Add(path);
        }

        var html = Html(spec, summary, timing, runs, images);
        var htmlPath = Path.Combine(directory, "report.html");
        File.WriteAllText(htmlPath, html, new UTF8Encoding(false));
        written.Insert(0, htmlPath);
        return written;
    }

    /// <summary>Draws the charts (only called when <see cref="Charting.IsAvailable"/>: compiling it loads ScottPlot).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<(string File, string Title, string Caption, byte[] Png)> DrawCharts(
        ExperimentSpec spec, ExperimentSummary summary, IReadOnlyList<StoredRun> runs)
    {
        var charts = new ReportCharts(spec, summary, runs);
        var images = new List<(string File, string Title, string Caption, byte[] Png)>();
        void Add(string file, string title, string caption, Func<ScottPlot.Plot> make, int? w = null, int? h = null)
        {
            var png = charts.Png(make(), w, h);
            images.Add((file, title, caption, png));
        }

        if (spec.Task.Definition.Surface is not null)
        {
            Add("trajectories.png", "Trajectories",
                "Each optimizer's best configuration from the same start (●) to where it ended (■); ◆ marks the minima. Contours are log-spaced for steep functions.",
                charts.Trajectories, 1000, 760);
        }

        Add("curves.png", $"{spec.Metric} during training",
            "Best configuration of each optimizer: mean over seeds (line) and min–max over seeds (band).",
            () => charts.MetricCurves(spec.Metric, $"{spec.Metric} of each optimizer's best configuration (mean, min–max band over seeds)"));
        if (spec.Metric != "loss" && runs.Any(r => r.Result.StepMetrics.Any(m => m.Name == "loss")))
        {
            Add("loss.png", "Training loss",
                "Mini-batch training loss per step, best configuration of each optimizer: mean and min–max band over seeds.",
                () => charts.MetricCurves("loss", "training loss (per step; mean, min–max band over seeds)"));
        }

        if (summary.Optimizers.Any(o => o.Sensitivity.Count > 1))
        {
            Add("lr_sensitivity.png", "Learning-rate sensitivity",
                "Final metric at each learning rate (best configuration at that lr; ± one standard deviation over seeds). ✕ = every run diverged.",
                charts.LearningRateSensitivity);
        }

        if (spec.Target is not null)
        {
            Add("time_to_target.png", "Time to target",
                "Median optimizer steps until the target was first reached (a run that never reaches it counts as never).",
                charts.StepsToTarget);
        }

        return images;
    }

    private static string Html(ExperimentSpec spec, ExperimentSummary s, TimingSummary timing, IReadOnlyList<StoredRun> runs,
        List<(string File, string Title, string Caption, byte[] Png)> images)
    {
        var sb = new StringBuilder();
        var acc = Verdict.IsAccuracy(spec.Metric);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{E(spec.Name)} — Descent comparison report</title>\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<header><p class=\"kicker\">Descent · optimizer comparison</p><h1>{E(spec.Name)}</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Task <b>{E(spec.Task.Kind)}</b> · budget <b>{E(s.Budget)}</b> · {s.Seeds.Count} seed{(s.Seeds.Count == 1 ? "" : "s")} ({string.Join(", ", s.Seeds)})");
        if (s.Target is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $" · target <b>{E(s.Target)}</b>");
        }

        sb.Append(CultureInfo.InvariantCulture, $" · {s.RunsStored} of {s.RunsExpected} runs</p></header>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict\"><h2>Verdict</h2><p>{E(s.Verdict)}</p></section>\n");

        // Key numbers: best configuration of each optimizer.
        sb.Append("<section><h2>Best configuration of each optimizer</h2>\n<table>\n<thead><tr><th>Optimizer</th><th>Best setting</th>");
        sb.Append(CultureInfo.InvariantCulture, $"<th class=\"n\">Final {E(spec.Metric)}<br><small>mean ± std</small></th><th class=\"n\">95% CI<br><small>bootstrap</small></th>");
        if (spec.Target is not null)
        {
            sb.Append("<th class=\"n\">Reached target</th><th class=\"n\">Median steps<br><small>to target</small></th><th class=\"n\">Median seconds<br><small>to target</small></th>");
        }

        var resources = s.Configurations.Any(c => c.TrainableParameters is not null || c.OptimizerStateBytes is not null)
            || timing.Configurations.Any(t => t.PeakWorkingSetBytes is not null);
        sb.Append("<th class=\"n\">Diverged</th><th class=\"n\">Seconds / run</th>");
        sb.Append(resources ? ResourceHeader : string.Empty).Append("</tr></thead>\n<tbody>\n");
        foreach (var o in s.Optimizers)
        {
            var c = s.Configurations[o.BestConfiguration];
            var t = timing.Configurations[o.BestConfiguration];
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"name\"><span class=\"dot\" style=\"background:{ReportPalette.HexOf(spec, o.Label)}\"></span>{E(o.Label)}</td><td><code>{E(o.BestDescription)}</code></td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(Verdict.Stat(spec, c.Final))}</td><td class=\"n\">{Ci(c.Final, acc)}</td>");
            if (c.Target is { } ts)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{ts.Reached}/{ts.Runs}</td><td class=\"n\">{(ts.MedianSteps is { } m ? m.ToString("0", CultureInfo.InvariantCulture) : "never")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(t.MedianSecondsToTarget is { } sec ? Seconds(sec) : "never")}</td>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{c.Diverged}/{c.Runs}</td><td class=\"n\">{Seconds(t.MeanSecondsPerRun)}</td>");
            sb.Append(resources ? ResourceCells(c, t) : string.Empty).Append("</tr>\n");
        }

        sb.Append("</tbody></table>");
        foreach (var o in s.Optimizers.Where(o => o.BestLearningRate is not null && o.Sensitivity.Count > 1))
        {
            var lrs = o.Sensitivity.Select(p => p.LearningRate).ToList();
            if (o.BestLearningRate == lrs.Min() || o.BestLearningRate == lrs.Max())
            {
                sb.Append(CultureInfo.InvariantCulture, $"<p class=\"note warn\">{E(o.Label)}'s best learning rate ({E(HyperparameterValue.FormatNumber(o.BestLearningRate!.Value))}) is at the edge of its grid; a wider grid may find a better one.</p>");
            }
        }

        sb.Append("</section>\n");

        if (s.Comparisons.Count > 0)
        {
            sb.Append("<section><h2>Pairwise comparisons of the best configurations</h2>\n<table>\n<thead><tr><th>A</th><th>B</th>");
            sb.Append(CultureInfo.InvariantCulture, $"<th class=\"n\">Δ final {E(spec.Metric)} (A − B)</th><th class=\"n\">95% CI of Δ</th><th class=\"n\">Welch t</th><th class=\"n\">df</th><th class=\"n\">p</th><th>Significant</th>");
            if (spec.Target is not null)
            {
                sb.Append("<th class=\"n\">Steps to target<br><small>A vs B (median)</small></th>");
            }

            sb.Append("</tr></thead>\n<tbody>\n");
            var scale = acc ? 100 : 1;
            var unit = acc ? " pt" : "";
            foreach (var c in s.Comparisons)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.A)}</td><td>{E(c.B)}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(c.Difference is { } d ? E(Verdict.Num(d * scale) + unit) : "—")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(c.Difference is { } d2 && c.HalfWidth95 is { } h ? E($"[{Verdict.Num((d2 - h) * scale)}, {Verdict.Num((d2 + h) * scale)}]") : "—")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(c.T is { } tt ? tt.ToString("0.00", CultureInfo.InvariantCulture) : "—")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(c.DegreesOfFreedom is { } df ? df.ToString("0.0", CultureInfo.InvariantCulture) : "—")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(c.P is { } p ? (p < 0.001 ? "&lt; 0.001" : p.ToString("0.000", CultureInfo.InvariantCulture)) : "—")}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td>{(c.P is not null ? (c.Significant ? "<b class=\"yes\">yes</b>" : "no") : c.Test == Comparison.Deterministic ? "no test: deterministic (every seed gives the same result)" : "n/a")}</td>");
                if (spec.Target is not null)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{Steps(c.MedianStepsA)} vs {Steps(c.MedianStepsB)}{(c.SpeedupAOverB is { } x ? string.Create(CultureInfo.InvariantCulture, $" ({x:0.0}×)") : "")}</td>");
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</tbody></table></section>\n");
        }

        if (images.Count == 0 && s.RunsStored > 0 && !Charting.IsAvailable)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<section class=\"chart\"><p>No charts: {E(Charting.MissingMessage)}</p></section>\n");
        }

        foreach (var (file, title, caption, png) in images)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<section class=\"chart\"><h2>{E(title)}</h2><figure><img alt=\"{E(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
            sb.Append(CultureInfo.InvariantCulture, $"<figcaption>{E(caption)} <span class=\"file\">({E(file)})</span></figcaption></figure></section>\n");
        }

        // Every configuration.
        sb.Append("<section id=\"configurations\"><h2>All configurations</h2>\n<table class=\"compact\">\n<thead><tr><th>#</th><th>Optimizer</th><th>Setting</th><th class=\"n\">Runs</th><th class=\"n\">Diverged</th>");
        sb.Append(CultureInfo.InvariantCulture, $"<th class=\"n\">Final {E(spec.Metric)}</th><th class=\"n\">95% CI</th><th class=\"n\">Best during training</th>");
        if (spec.Target is not null)
        {
            sb.Append("<th class=\"n\">Reached</th><th class=\"n\">Median steps</th>");
        }

        sb.Append("<th class=\"n\">s / step</th>").Append(resources ? ResourceHeader : string.Empty).Append("</tr></thead>\n<tbody>\n");
        var bestSet = s.Optimizers.Select(o => o.BestConfiguration).ToHashSet();
        foreach (var c in s.Configurations)
        {
            var t = timing.Configurations[c.Index];
            sb.Append(CultureInfo.InvariantCulture, $"<tr{(bestSet.Contains(c.Index) ? " class=\"best\"" : "")}><td>{c.Index}</td><td>{E(c.Label)}</td><td><code>{E(c.Description)}</code></td><td class=\"n\">{c.Runs}{(c.Stopped > 0 ? $" ({c.Stopped} stopped early)" : "")}</td><td class=\"n\">{c.Diverged}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(Verdict.Stat(spec, c.Final))}</td><td class=\"n\">{Ci(c.Final, acc)}</td><td class=\"n\">{E(Verdict.Stat(spec, c.Best))}</td>");
            if (c.Target is { } ts)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{ts.Reached}/{ts.Runs}</td><td class=\"n\">{Steps(ts.MedianSteps)}</td>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{E(SecondsPerStep(t.MeanSecondsPerStep))}</td>");
            sb.Append(resources ? ResourceCells(c, t) : string.Empty).Append("</tr>\n");
        }

        sb.Append("</tbody></table><p class=\"note\">Highlighted rows are each optimizer's best configuration.");
        if (resources)
        {
            sb.Append(" Trainable parameters and optimizer state are the run's own (state at the end of the run); the peak working set is the whole process's during a run (exact when the run had the process to itself, else sampled and including runs in parallel), so it includes the runtime and the data and models the runs share — see <i>resources</i> under Method.");
        }

        sb.Append("</p></section>\n");

        // Failed or diverged runs.
        var problems = runs.Where(r => r.Result.Status != RunStatus.Completed).OrderBy(r => r.RunKey, StringComparer.Ordinal).ToList();
        if (problems.Count > 0)
        {
            sb.Append(problems.Any(r => r.Result.Status == RunStatus.Stopped)
                ? "<section id=\"problems\"><h2>Diverged, failed and early-stopped runs</h2><ul class=\"problems\">\n"
                : "<section id=\"problems\"><h2>Diverged and failed runs</h2><ul class=\"problems\">\n");
            foreach (var r in problems.Take(50))
            {
                var status = r.Result.Status switch
                {
                    RunStatus.Diverged => "diverged",
                    RunStatus.Stopped => "stopped early",
                    _ => "failed",
                };
                sb.Append(CultureInfo.InvariantCulture, $"<li><b>{status}</b> — {E(r.Label)}, seed {r.Seed}: {E(r.Result.Message ?? "")}</li>\n");
            }

            if (problems.Count > 50)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li>… and {problems.Count - 50} more (see runs.csv)</li>\n");
            }

            sb.Append("</ul></section>\n");
        }

        // Method, environment, spec.
        sb.Append("<section id=\"method\" class=\"method\"><h2>Method</h2><dl>\n");
        foreach (var (k, v) in s.Method)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<dt>{E(k.Replace('_', ' '))}</dt><dd>{E(v)}</dd>\n");
        }

        sb.Append("</dl></section>\n<section class=\"method\"><h2>Environment</h2><table class=\"compact\">\n<thead><tr><th>Descent</th><th>.NET</th><th>OS</th><th>CPU</th><th class=\"n\">Cores</th><th class=\"n\">SIMD</th><th>Kernel path</th><th class=\"n\">Runs</th></tr></thead><tbody>\n");
        foreach (var g in runs.GroupBy(r => r.Environment).OrderByDescending(g => g.Count()))
        {
            var e = g.Key;
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.DescentVersion)}</td><td>{E(e.DotnetVersion)}</td><td>{E(e.Os)}</td><td>{E(e.Cpu)}</td><td class=\"n\">{e.Cores}</td><td class=\"n\">{e.SimdBits}-bit</td><td>{E(e.KernelPath)}</td><td class=\"n\">{g.Count()}</td></tr>\n");
        }

        sb.Append("</tbody></table></section>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<section class=\"method\"><h2>Experiment spec</h2><pre>{E(spec.SourceJson.Trim())}</pre>");
        sb.Append("<p class=\"note\">Files next to this report: <code>runs.db</code> (SQLite run store), <code>summary.json</code> (deterministic analysis), <code>timing.json</code> (wall-clock), <code>runs.csv</code>, <code>metrics.csv</code>, <code>runs.json</code>, and the PNG charts. Re-render with <code>descent report DIR</code>.</p></section>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Ci(MetricStats m, bool acc)
    {
        if (m.Ci95Low is not { } lo || m.Ci95High is not { } hi)
        {
            return "—";
        }

        return acc
            ? string.Create(CultureInfo.InvariantCulture, $"[{lo * 100:0.00}, {hi * 100:0.00}]%")
            : E($"[{Verdict.Num(lo)}, {Verdict.Num(hi)}]");
    }

    private const string ResourceHeader =
        "<th class=\"n\">Trainable<br><small>parameters</small></th><th class=\"n\">Optimizer<br><small>state</small></th><th class=\"n\">Peak working set<br><small>during run</small></th>";

    private static string ResourceCells(ConfigurationSummary c, ConfigurationTiming t) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<td class=\"n\">{(c.TrainableParameters is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "—")}</td><td class=\"n\">{Bytes(c.OptimizerStateBytes)}</td><td class=\"n\">{Bytes(t.PeakWorkingSetBytes)}</td>");

    /// <summary>Bytes in binary units (<c>2.54 MiB</c>), or a dash.</summary>
    private static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.00} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GiB"),
    };

    private static string Steps(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "never";

    private static string Seconds(double s) => s switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{s * 1000:0.0} ms"),
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{s:0.00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{s:0} s"),
    };

    private static string SecondsPerStep(double s) => s switch
    {
        < 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{s * 1e6:0.0} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{s * 1e3:0.00} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{s:0.00} s"),
    };

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        :root { --ink: #1d2433; --muted: #5b6478; --line: #e3e7ef; --accent: #2d5bd7; --bg: #f6f7fb; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 -apple-system, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial, sans-serif; }
        main { max-width: 1200px; margin: 0 auto; padding: 32px 28px 64px; }
        header { margin-bottom: 20px; }
        .kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; color: var(--accent); margin: 0 0 4px; font-weight: 600; }
        h1 { font-size: 30px; margin: 0 0 6px; letter-spacing: -.01em; }
        h2 { font-size: 19px; margin: 0 0 12px; }
        .meta { color: var(--muted); margin: 0; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin: 18px 0; box-shadow: 0 1px 2px rgba(20,30,60,.04); }
        .verdict { border-left: 5px solid var(--accent); background: #f2f5ff; }
        .verdict p { font-size: 17px; margin: 0; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: 13px; background: #fafbfd; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        td.n { white-space: nowrap; }
        td.name { white-space: nowrap; }
        section { overflow-x: auto; }
        table.compact td, table.compact th { padding: 5px 8px; font-size: 13px; }
        tr.best td { background: #f3f8ef; }
        code { font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f1f3f8; padding: 1px 5px; border-radius: 4px; }
        .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 7px; vertical-align: baseline; }
        .yes { color: #1b7a2f; }
        figure { margin: 0; }
        figure img { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 6px; }
        figcaption { color: var(--muted); font-size: 13.5px; margin-top: 8px; }
        .file { color: #98a0b3; }
        .note { color: var(--muted); font-size: 13px; margin: 10px 0 0; }
        .warn { color: #8a5a00; }
        .method dl { display: grid; grid-template-columns: 170px 1fr; gap: 6px 16px; margin: 0; font-size: 13.5px; }
        .method dt { font-weight: 600; color: var(--muted); }
        .method dd { margin: 0; }
        pre { background: #f1f3f8; padding: 12px; border-radius: 6px; overflow-x: auto; font-size: 12.5px; }
        ul.problems { margin: 0; padding-left: 20px; font-size: 13.5px; }
        """;
}
