using System.Globalization;
using System.Text;
using Descent.Experiments.Article;
using Descent.Lab.Reports;

namespace Descent.Cli.Demo;

/// <summary>Writes the demo's results: a loss-versus-step chart per experiment (PNG and SVG, drawn by
/// <see cref="LossChart"/>) and <c>losses.csv</c> (experiment, optimizer, hyperparameters, step, loss).</summary>
public static class DemoOutput
{
    /// <summary>Default output folder, relative to the working directory.</summary>
    public static readonly string DefaultDirectory = Path.Combine("descent-out", "demo");

    /// <summary>Writes the charts and the loss table into <paramref name="outputDirectory"/> (which must exist) and
    /// returns the files written: the charts of each section in order, then the loss table.</summary>
    public static IReadOnlyList<string> Write(DemoResult result, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = new List<string>();
        foreach (var section in result.Sections)
        {
            var chart = new LossChart(section.Title) { LossTarget = section.LossTarget };
            foreach (var r in section.Results)
            {
                chart.Add(new LossSeries($"{r.Name} ({r.Hyperparameters})", r.Losses, r.StopStep));
            }

            files.AddRange(chart.Save(outputDirectory, section.Key));
        }

        var csv = Path.Combine(outputDirectory, "losses.csv");
        WriteLossTable(csv, result.Sections);
        files.Add(csv);
        return files;
    }

    private static void WriteLossTable(string path, IEnumerable<DemoSection> sections)
    {
        var sb = new StringBuilder("experiment,optimizer,hyperparameters,step,loss\n");
        foreach (var section in sections)
        {
            foreach (var r in section.Results)
            {
                for (var s = 0; s < r.Losses.Count; s++)
                {
                    sb.Append(section.Key).Append(',').Append(r.Name).Append(",\"").Append(r.Hyperparameters).Append("\",")
                        .Append(s.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(r.Losses[s].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        File.WriteAllText(path, sb.ToString());
    }
}
