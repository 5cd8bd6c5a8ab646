using System.CommandLine;
using Descent.Experiments;
using Descent.Lab;
using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Reports;
using Descent.Lab.Store;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent report DIR</c>: re-renders <c>summary.json</c>, <c>timing.json</c>, the exports, the charts and
/// <c>report.html</c> from the run store in DIR (or, for a preset folder, from each experiment's store, plus
/// the overview), without running anything.
/// </summary>
public static class ReportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dir = new Argument<string>("dir") { Description = "Output folder of 'descent compare' (holding runs.db, or experiment folders that do)." };
        var store = StoreLocation.Option("Render from this store instead of DIR's runs.db (a PostgreSQL URL, or a folder holding runs.db); DIR receives the report.");
        var experiment = StoreLocation.ExperimentOption();
        var command = new Command("report", "Re-render the report of a 'descent compare' output folder from its run store") { dir, store, experiment };
        command.SetAction(parse => Execute(context, parse.GetValue(dir)!, parse.GetValue(store), parse.GetValue(experiment)));
        return command;
    }

    /// <summary>Runs the command; returns the exit code. With <paramref name="store"/>, the report of its experiment
    /// (<paramref name="experiment"/>, or the only one there) is written into <paramref name="directory"/>.</summary>
    public static int Execute(CliContext context, string directory, string? store = null, string? experiment = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(directory);
        if (store is not null)
        {
            using var runs = StoreLocation.Open(store, StoreLocation.Single(store, experiment), mustExist: true);
            OutputFolder.RequireWritable(directory);
            var rendered = ExperimentPipeline.Render(runs, directory, EngineCatalog.Instance);
            context.Output.WriteLine(Printable.Escape(rendered.Verdict));
            context.Output.WriteLine($"report: {Path.GetFullPath(Path.Combine(directory, "report.html"))}");
            return ExitCodes.Success;
        }

        if (experiment is not null)
        {
            throw new CliException("--experiment chooses an experiment of a PostgreSQL store; give the store with --store");
        }

        if (!Directory.Exists(directory))
        {
            throw new CliException($"folder '{directory}' does not exist");
        }

        var catalog = EngineCatalog.Instance;
        if (File.Exists(Path.Combine(directory, RunStore.FileName)))
        {
            var s = ExperimentPipeline.Render(directory, catalog);
            context.Output.WriteLine(Printable.Escape(s.Verdict));
            context.Output.WriteLine($"report: {Path.GetFullPath(Path.Combine(directory, "report.html"))}");
            return ExitCodes.Success;
        }

        var subs = Directory.GetDirectories(directory)
            .Where(d => File.Exists(Path.Combine(d, RunStore.FileName)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (subs.Count == 0)
        {
            throw new CliException($"'{directory}' holds no {RunStore.FileName} (nor do its subfolders); run 'descent compare --out {directory}' first");
        }

        var done = new List<(string Folder, ExperimentSummary Summary)>();
        foreach (var d in subs)
        {
            var s = ExperimentPipeline.Render(d, catalog);
            done.Add((Path.GetFileName(d), s));
            context.Output.WriteLine(Printable.Escape($"{Path.GetFileName(d)}: {s.Verdict}"));
        }

        // Keep the preset's order when the folder came from one.
        var order = Presets.Names.SelectMany(p => Presets.Load(p)).Select(t => System.Text.Json.JsonDocument.Parse(t).RootElement.GetProperty("name").GetString()).ToList();
        done = [.. done.OrderBy(x => order.IndexOf(x.Folder) is var i && i >= 0 ? i : int.MaxValue).ThenBy(x => x.Folder, StringComparer.Ordinal)];
        var index = IndexWriter.Write(directory, Path.GetFileName(Path.GetFullPath(directory)), "Experiments re-rendered from their run stores.", done);
        context.Output.WriteLine($"report: {Path.GetFullPath(index)}");
        return ExitCodes.Success;
    }
}
