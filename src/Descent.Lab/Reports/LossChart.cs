using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Descent.Lab.Reports;

/// <summary>
/// A loss-versus-step line chart with a logarithmic loss axis (ScottPlot 5, rendered headless to PNG and
/// SVG): one line per run in distinct colors, a legend, an optional dashed loss-target line, and a cross
/// where a diverged run stopped. Depends on nothing but ScottPlot, so the lab can reuse it as is.
/// </summary>
public sealed class LossChart
{
    /// <summary>Losses at or below this value are drawn at this value (the log axis cannot show 0).</summary>
    public const double Floor = 1e-12;

    private static readonly Lazy<string?> SansFont = new(FindSansFont);
    private readonly List<LossSeries> series = [];

    /// <summary>Creates an empty chart.</summary>
    public LossChart(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>Horizontal axis label.</summary>
    public string XLabel { get; init; } = "step";

    /// <summary>Vertical axis label.</summary>
    public string YLabel { get; init; } = "loss (log scale)";

    /// <summary>A loss target drawn as a dashed horizontal line, or null.</summary>
    public double? LossTarget { get; init; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 960;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 600;

    /// <summary>The lines added so far.</summary>
    public IReadOnlyList<LossSeries> Series => series;

    /// <summary>Adds a line.</summary>
    public LossChart Add(LossSeries line)
    {
        ArgumentNullException.ThrowIfNull(line);
        series.Add(line);
        return this;
    }

    /// <summary>Builds the ScottPlot plot (for callers that want to adjust or combine it). The loss axis
    /// spans the lines that did not diverge (a diverged line leaves the top of the chart, and a cross marks
    /// the step where it stopped) so that one exploding run does not flatten the others.</summary>
    public Plot BuildPlot()
    {
        var plot = new Plot();
        if (SansFont.Value is { } font)
        {
            plot.Font.Set(font);
        }

        plot.Title(Title, size: 20);
        plot.XLabel(XLabel, size: 16);
        plot.YLabel(YLabel, size: 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;

        var palette = new ScottPlot.Palettes.Category10();
        var lines = new List<(LossSeries Line, Color Color, double[] Xs, double[] Ys)>();
        for (var k = 0; k < series.Count; k++)
        {
            var line = series[k];
            var xs = new List<double>(line.Losses.Count);
            var ys = new List<double>(line.Losses.Count);
            for (var s = 0; s < line.Losses.Count; s++)
            {
                var loss = (double)line.Losses[s];
                if (double.IsFinite(loss))
                {
                    xs.Add(s);
                    ys.Add(Math.Log10(Math.Max(loss, Floor)));
                }
            }

            lines.Add((line, palette.GetColor(k), xs.ToArray(), ys.ToArray()));
        }

        // Vertical range: every finite point of the runs that did not stop early, plus the first loss of
        // the diverged ones (they start where the others start); all of everything if every run diverged.
        var steady = lines.Where(l => l.Line.StopStep is null && l.Ys.Length > 0).ToList();
        var rangeYs = steady.Count > 0
            ? steady.SelectMany(l => l.Ys).Concat(lines.Where(l => l.Line.StopStep is not null && l.Ys.Length > 0).Select(l => l.Ys[0]))
            : lines.SelectMany(l => l.Ys);
        var (minY, maxY) = rangeYs.Aggregate((Min: double.PositiveInfinity, Max: double.NegativeInfinity), (a, y) => (Math.Min(a.Min, y), Math.Max(a.Max, y)));
        if (LossTarget is { } target && target > 0)
        {
            var y = Math.Log10(Math.Max(target, Floor));
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }

        if (!double.IsFinite(minY))
        {
            (minY, maxY) = (-1, 1);
        }

        var bottom = Math.Floor(minY - 0.05);
        var top = Math.Ceiling(maxY + 0.05);
        var maxX = Math.Max(1, lines.Select(l => l.Line.Losses.Count - 1).DefaultIfEmpty(1).Max());

        foreach (var (line, color, xs, ys) in lines)
        {
            var label = line.StopStep is { } stop ? $"{line.Label}: diverged at step {stop}" : line.Label;
            if (xs.Length == 0)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, LineColor = color, LineWidth = 2.5f });
            }
            else
            {
                var scatter = plot.Add.ScatterLine(xs, ys, color);
                scatter.LineWidth = 2.5f;
                scatter.LegendText = label;
            }

            if (line.StopStep is { } stopStep)
            {
                // The cross sits at the stop step, on the last finite loss or at the top edge if that is off the chart.
                var y = ys.Length > 0 && ys[^1] < top ? ys[^1] : top - (0.03 * (top - bottom));
                var marker = plot.Add.Marker(stopStep, y, MarkerShape.Eks, 16, color);
                marker.MarkerLineWidth = 3;
            }
        }

        if (LossTarget is { } lossTarget && lossTarget > 0)
        {
            var y = Math.Log10(Math.Max(lossTarget, Floor));
            var targetLine = plot.Add.HorizontalLine(y, 1.5f, Colors.Gray, LinePattern.Dashed);
            targetLine.LegendText = $"target {FormatPower(y)}";
        }

        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = FormatPower,
        };
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithAlpha(0.05);
        plot.Grid.MinorLineWidth = 1;
        plot.Axes.SetLimits(0, maxX, bottom, top);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 14;
        return plot;
    }

    /// <summary>Writes the chart as <c>{baseName}.png</c> and, when <paramref name="svg"/> is true, also
    /// <c>{baseName}.svg</c> into <paramref name="directory"/> (created if missing). Returns the paths written.</summary>
    /// <exception cref="InvalidOperationException">The application does not reference the chart package (<see cref="Charting"/>).</exception>
    public IReadOnlyList<string> Save(string directory, string baseName, bool svg = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        Charting.EnsureAvailable();
        Directory.CreateDirectory(directory);
        return SaveFiles(directory, baseName, svg);
    }

    /// <summary>Draws and writes the files (compiling it loads ScottPlot, so <see cref="Save"/> checks first).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private List<string> SaveFiles(string directory, string baseName, bool svg)
    {
        var plot = BuildPlot();
        var png = Path.Combine(directory, baseName + ".png");
        plot.SavePng(png, Width, Height);
        var paths = new List<string> { png };
        if (svg)
        {
            var svgPath = Path.Combine(directory, baseName + ".svg");
            plot.SaveSvg(svgPath, Width, Height);
            paths.Add(svgPath);
        }

        return paths;
    }

    /// <summary>Formats a base-10 exponent as the number it stands for: 0.001, 0.1, 1, 100, 1e+06, 1e-05.</summary>
    internal static string FormatPower(double exponent)
    {
        var value = Math.Pow(10, exponent);
        return Math.Abs(exponent) <= 3
            ? value.ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString("0e+0", CultureInfo.InvariantCulture);
    }

    /// <summary>The first installed sans-serif family of a list of common ones (the rendering default may be
    /// a serif font on minimal Linux machines), or null to keep ScottPlot's default.</summary>
    private static string? FindSansFont()
    {
        string[] candidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica", "Segoe UI"];
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
