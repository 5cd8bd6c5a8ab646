using System.Globalization;
using Descent.Lab.Analysis;
using Descent.Lab.Functions;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Descent.Lab.Reports;

/// <summary>
/// The report's charts, drawn with ScottPlot: metric curves (mean line and min–max band over seeds of each
/// optimizer's best configuration), learning-rate sensitivity, steps to target, and for 2-D functions the
/// trajectories over a contour plot. Each optimizer keeps one color in every chart.
/// </summary>
public sealed class ReportCharts
{
    private static readonly Lazy<string?> SansFont = new(FindSansFont);
    private readonly ExperimentSpec spec;
    private readonly ExperimentSummary summary;
    private readonly Dictionary<string, StoredRun> runs;

    /// <summary>Creates the charts of an analyzed experiment.</summary>
    public ReportCharts(ExperimentSpec spec, ExperimentSummary summary, IReadOnlyList<StoredRun> runs)
    {
        this.spec = spec ?? throw new ArgumentNullException(nameof(spec));
        this.summary = summary ?? throw new ArgumentNullException(nameof(summary));
        ArgumentNullException.ThrowIfNull(runs);
        this.runs = runs.Where(r => r.Result.Status != RunStatus.Failed).ToDictionary(r => r.RunKey, StringComparer.Ordinal);
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 1000;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 560;

    /// <summary>The color of an optimizer entry (by its index in the spec).</summary>
    public Color ColorOf(string label) => Color.FromHex(ReportPalette.HexOf(spec, label));

    /// <summary>Curves of <paramref name="metric"/> for each optimizer's best configuration: mean over seeds
    /// and a min–max band. Log scale for positive losses.</summary>
    public Plot MetricCurves(string metric, string title)
    {
        var plot = NewPlot(title);
        var isEpoch = false;
        var all = new List<double>();
        var curves = new List<(string Label, Color Color, double[] X, double[] Mean, double[] Min, double[] Max, int Diverged)>();
        foreach (var o in summary.Optimizers)
        {
            var c = spec.Configurations()[o.BestConfiguration];
            var series = spec.Seeds.Select(s => runs.GetValueOrDefault(new RunDescriptor(c, s).Key))
                .Where(r => r is not null)
                .Select(r => Analyzer.Series(r!.Result, metric))
                .Where(s => s.Count > 0)
                .ToList();
            if (series.Count == 0)
            {
                continue;
            }

            isEpoch = series[0][0].Epoch is not null;
            var byX = new SortedDictionary<double, List<double>>();
            foreach (var s in series)
            {
                foreach (var p in s)
                {
                    if (!double.IsFinite(p.Value))
                    {
                        continue;
                    }

                    var x = isEpoch ? p.Epoch!.Value : p.Step;
                    if (!byX.TryGetValue(x, out var list))
                    {
                        byX[x] = list = [];
                    }

                    list.Add(p.Value);
                }
            }

            var xs = byX.Keys.ToArray();
            var mean = byX.Values.Select(v => v.Average()).ToArray();
            var min = byX.Values.Select(v => v.Min()).ToArray();
            var max = byX.Values.Select(v => v.Max()).ToArray();
            all.AddRange(min);
            all.AddRange(max);
            curves.Add(($"{o.Label} ({o.BestDescription})", ColorOf(o.Label), xs, mean, min, max, summary.Configurations[o.BestConfiguration].Diverged));
        }

        var log = spec.Goal == MetricGoal.Minimize && all.Count > 0 && all.All(v => v > 0);
        Func<double, double> f = log ? v => Math.Log10(Math.Max(v, 1e-12)) : v => v;
        foreach (var (label, color, xs, mean, min, max, diverged) in curves)
        {
            if (xs.Length > 1 && min.Zip(max).Any(p => p.First != p.Second))
            {
                var band = plot.Add.FillY(xs, min.Select(f).ToArray(), max.Select(f).ToArray());
                band.FillColor = color.WithAlpha(0.18);
                band.LineWidth = 0;
            }

            var line = plot.Add.ScatterLine(xs, mean.Select(f).ToArray(), color);
            line.LineWidth = 2.5f;
            line.LegendText = diverged > 0 ? $"{label}, {diverged} diverged" : label;
        }

        if (spec.Target is { } t && t.Metric == metric)
        {
            var h = plot.Add.HorizontalLine(f(t.Value), 1.5f, Colors.Gray, LinePattern.Dashed);
            h.LegendText = $"target {Analyzer.TargetText(t)}";
        }

        plot.XLabel(isEpoch ? "epoch" : "optimizer step", size: 15);
        plot.YLabel(log ? $"{metric} (log scale)" : metric, size: 15);
        if (log)
        {
            LogAxis(plot.Axes.Left);
        }

        plot.Legend.Alignment = spec.Goal == MetricGoal.Minimize ? Alignment.UpperRight : Alignment.LowerRight;
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Final metric against learning rate (log axis) per optimizer; error bars are ± one standard
    /// deviation; a learning rate whose runs all diverged is an ✕ on the top edge.</summary>
    public Plot LearningRateSensitivity()
    {
        var plot = NewPlot($"Learning-rate sensitivity: final {spec.Metric} (mean ± std over seeds)");
        var finite = summary.Optimizers.SelectMany(o => o.Sensitivity).Where(p => p.Mean is not null).ToList();
        var log = spec.Goal == MetricGoal.Minimize && finite.Count > 0 && finite.All(p => p.Mean > 0);
        Func<double, double> f = log ? v => Math.Log10(Math.Max(v, 1e-12)) : v => v;
        var top = finite.Count == 0 ? 1 : finite.Max(p => f(p.Mean!.Value + (log ? 0 : p.Std ?? 0)));
        var bottom = finite.Count == 0 ? 0 : finite.Min(p => f(Math.Max(p.Mean!.Value - (log ? 0 : p.Std ?? 0), log ? 1e-12 : double.MinValue)));
        var pad = Math.Max(1e-9, (top - bottom) * 0.08);
        foreach (var o in summary.Optimizers)
        {
            var color = ColorOf(o.Label);
            var pts = o.Sensitivity.Where(p => p.Mean is not null).ToList();
            if (pts.Count > 0)
            {
                var xs = pts.Select(p => Math.Log10(p.LearningRate)).ToArray();
                var ys = pts.Select(p => f(p.Mean!.Value)).ToArray();
                var line = plot.Add.Scatter(xs, ys, color);
                line.LineWidth = 2.5f;
                line.MarkerSize = 9;
                line.LegendText = o.Label;
                if (!log)
                {
                    var eb = plot.Add.ErrorBar(xs, ys, pts.Select(p => p.Std ?? 0).ToArray());
                    eb.Color = color;
                    eb.LineWidth = 1.5f;
                }
            }

            foreach (var p in o.Sensitivity.Where(p => p.Mean is null))
            {
                var m = plot.Add.Marker(Math.Log10(p.LearningRate), top + pad, MarkerShape.Eks, 14, color);
                m.MarkerLineWidth = 3;
                m.LegendText = pts.Count == 0 ? $"{o.Label} (diverged)" : "";
            }
        }

        plot.XLabel("learning rate (log scale)", size: 15);
        plot.YLabel(log ? $"final {spec.Metric} (log scale)" : $"final {spec.Metric}", size: 15);
        LogAxis(plot.Axes.Bottom, minor: false);
        if (log)
        {
            LogAxis(plot.Axes.Left);
        }

        plot.ShowLegend();
        return plot;
    }

    /// <summary>Median steps to target of each optimizer's best configuration; "never" when half or more
    /// of the runs missed.</summary>
    public Plot StepsToTarget()
    {
        var t = spec.Target!;
        var plot = NewPlot($"Median steps to target ({Analyzer.TargetText(t)}), best configuration of each optimizer");
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var maxValue = summary.Optimizers
            .Select(o => summary.Configurations[o.BestConfiguration].Target?.MedianSteps ?? 0)
            .DefaultIfEmpty(0).Max();
        var budgetSteps = maxValue <= 0 ? 1 : maxValue;
        for (var i = 0; i < summary.Optimizers.Count; i++)
        {
            var o = summary.Optimizers[i];
            var ts = summary.Configurations[o.BestConfiguration].Target!;
            var median = ts.MedianSteps;
            bars.Add(new Bar
            {
                Position = i,
                Value = median ?? 0,
                FillColor = ColorOf(o.Label),
                Label = median is { } m
                    ? string.Create(CultureInfo.InvariantCulture, $"{m:0} steps ({ts.Reached}/{ts.Runs} reached)")
                    : $"never ({ts.Reached}/{ts.Runs} reached)",
                CenterLabel = false,
                LabelOnTop = true,
            });
            ticks.Add(new Tick(i, $"{o.Label}\n{o.BestDescription}", true));
        }

        var bp = plot.Add.Bars(bars);
        bp.ValueLabelStyle.FontSize = 14;
        bp.ValueLabelStyle.Bold = true;
        plot.Axes.Bottom.TickGenerator = new NumericManual([.. ticks]);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Margins(bottom: 0, top: 0.25);
        plot.Axes.SetLimitsY(0, budgetSteps * 1.25);
        plot.YLabel("optimizer steps (median over seeds)", size: 15);
        return plot;
    }

    /// <summary>For a 2-D test function: the contour plot with each optimizer's trajectory (its best
    /// configuration, first seed), start ●, end ■, minima ★.</summary>
    public Plot Trajectories()
    {
        var fn = spec.Task.Definition.Surface ?? throw new ArgumentException($"task {spec.Task.Kind} has no 2-D surface", nameof(spec));
        var (x0, x1, y0, y1) = fn.PlotWindow;
        var plot = NewPlot($"{fn.Name}: f = {fn.Formula} — trajectories of each optimizer's best configuration (seed {spec.Seeds[0]})");
        plot.Title($"{fn.Name}: f = {fn.Formula}\ntrajectory of each optimizer's best configuration (seed {spec.Seeds[0]})", size: 16);
        const int N = 160;
        var min = fn.MinimumValue;
        double Z(double x, double y) => fn.LogContours ? Math.Log10(fn.Value(x, y) - min + 1e-3) : fn.Value(x, y);
        var heat = new double[N, N];
        var coords = new Coordinates3d[N, N];
        for (var r = 0; r < N; r++)
        {
            var y = y1 - ((y1 - y0) * r / (N - 1));
            for (var c = 0; c < N; c++)
            {
                var x = x0 + ((x1 - x0) * c / (N - 1));
                var z = Z(x, y);
                heat[r, c] = z;
                coords[r, c] = new Coordinates3d(x, y, z);
            }
        }

        var hm = plot.Add.Heatmap(heat);
        hm.Extent = new CoordinateRect(x0, x1, y0, y1);
        hm.Colormap = new ScottPlot.Colormaps.Grayscale();
        hm.Opacity = 0.35;
        var cl = plot.Add.ContourLines(coords, 18);
        cl.LineColor = Colors.Black.WithAlpha(0.35);
        cl.LineWidth = 1;
        cl.LabelStyle.IsVisible = false;
        foreach (var (mx, my) in fn.Minima)
        {
            plot.Add.Marker(mx, my, MarkerShape.FilledDiamond, 14, Colors.Black);
        }

        foreach (var o in summary.Optimizers)
        {
            var c = spec.Configurations()[o.BestConfiguration];
            if (runs.GetValueOrDefault(new RunDescriptor(c, spec.Seeds[0]).Key) is not { } run)
            {
                continue;
            }

            var xs = run.Result.StepMetrics.Where(m => m.Name == "x").OrderBy(m => m.Step).Select(m => m.Value).ToList();
            var ys = run.Result.StepMetrics.Where(m => m.Name == "y").OrderBy(m => m.Step).Select(m => m.Value).ToList();
            var n = Math.Min(xs.Count, ys.Count);
            var px = new List<double>();
            var py = new List<double>();
            var span = Math.Max(x1 - x0, y1 - y0);
            for (var i = 0; i < n; i++)
            {
                if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i]) || Math.Abs(xs[i]) > 10 * span || Math.Abs(ys[i]) > 10 * span)
                {
                    break;
                }

                px.Add(xs[i]);
                py.Add(ys[i]);
            }

            if (px.Count == 0)
            {
                continue;
            }

            var color = ColorOf(o.Label);
            var line = plot.Add.ScatterLine(px.ToArray(), py.ToArray(), color);
            line.LineWidth = 2.2f;
            line.LegendText = $"{o.Label} ({o.BestDescription})";
            plot.Add.Marker(px[0], py[0], MarkerShape.FilledCircle, 10, color);
            plot.Add.Marker(px[^1], py[^1], MarkerShape.FilledSquare, 10, color);
        }

        plot.Axes.SetLimits(x0, x1, y0, y1);
        plot.XLabel("x", size: 15);
        plot.YLabel("y", size: 15);
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Renders a plot to PNG bytes.</summary>
    public byte[] Png(Plot plot, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.GetImageBytes(width ?? Width, height ?? Height, ImageFormat.Png);
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        if (SansFont.Value is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Title(title, size: 17);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        plot.Legend.FontSize = 13;
        return plot;
    }

    private static void LogAxis(IAxis axis, bool minor = true)
    {
        var gen = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = PowerOfTen,
        };
        if (minor)
        {
            gen.MinorTickGenerator = new LogMinorTickGenerator();
        }

        axis.TickGenerator = gen;
    }

    private static string PowerOfTen(double exponent)
    {
        var e = (int)Math.Round(exponent);
        return e switch
        {
            >= 0 and <= 4 => Math.Pow(10, e).ToString("0", CultureInfo.InvariantCulture),
            -1 => "0.1",
            -2 => "0.01",
            -3 => "0.001",
            _ => $"1e{e.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    private static string? FindSansFont()
    {
        string[] candidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica"];
        foreach (var name in candidates)
        {
            using var typeface = SkiaSharp.SKFontManager.Default.MatchFamily(name);
            if (typeface is not null && string.Equals(typeface.FamilyName, name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }
}
