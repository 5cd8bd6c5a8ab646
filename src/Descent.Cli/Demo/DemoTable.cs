using System.Globalization;
using Descent.Experiments.Article;
using Descent.Experiments.Runs;
using Spectre.Console;

namespace Descent.Cli.Demo;

/// <summary>The demo's results as a Spectre.Console table: experiment, optimizer, hyperparameters, steps,
/// final loss, steps to reach the loss target, wall time and status.</summary>
public static class DemoTable
{
    /// <summary>Builds the table.</summary>
    public static Table Build(DemoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]descent demo[/]");
        table.AddColumn("Experiment");
        table.AddColumn("Optimizer");
        table.AddColumn("Hyperparameters");
        table.AddColumn(new TableColumn("Steps").RightAligned());
        table.AddColumn(new TableColumn("Final loss").RightAligned());
        table.AddColumn(new TableColumn("Steps to target").RightAligned());
        table.AddColumn(new TableColumn("Wall time").RightAligned());
        table.AddColumn("Status");
        foreach (var section in result.Sections)
        {
            var first = true;
            foreach (var r in section.Results)
            {
                table.AddRow(
                    first ? Markup.Escape(section.Key) : string.Empty,
                    Markup.Escape(r.Name),
                    Markup.Escape(r.Hyperparameters),
                    Markup.Escape(StepsText(r)),
                    Markup.Escape(FormatLoss(r.FinalLoss)),
                    Markup.Escape(r.StepsToTarget is { } s ? $"{s} (≤ {FormatLoss(section.LossTarget)})" : $"not reached (≤ {FormatLoss(section.LossTarget)})"),
                    Markup.Escape(FormatTime(r.WallTime)),
                    StatusMarkup(r));
                first = false;
            }

            if (!ReferenceEquals(section, result.Sections[^1]))
            {
                table.AddEmptyRow();
            }
        }

        return table;
    }

    /// <summary>Formats a loss with 4 significant digits ("NaN", "+Inf", "-Inf" for non-finite values).</summary>
    public static string FormatLoss(double loss)
        => double.IsNaN(loss) ? "NaN"
            : double.IsPositiveInfinity(loss) ? "+Inf"
            : double.IsNegativeInfinity(loss) ? "-Inf"
            : loss.ToString("G4", CultureInfo.InvariantCulture);

    private static string StepsText(RunResult r)
        => r.Status == RunStatus.Completed ? r.StepsRequested.ToString(CultureInfo.InvariantCulture) : $"{r.FiniteSteps} of {r.StepsRequested}";

    private static string FormatTime(TimeSpan t)
        => t.TotalSeconds >= 1 ? $"{t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s" : $"{t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms";

    private static string StatusMarkup(RunResult r) => r.Status switch
    {
        RunStatus.Completed => "[green]completed[/]",
        RunStatus.Diverged => $"[red]diverged at step {r.StopStep}[/]",
        _ => $"[red]failed at step {r.StopStep}[/]",
    };
}
