using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Reports;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Lab;

/// <summary>
/// The lab end to end: run an experiment into an output folder (skipping what is already done), then
/// analyze it and write <c>summary.json</c>, <c>timing.json</c>, CSV/JSON exports and the report.
/// </summary>
public static class ExperimentPipeline
{
    /// <summary>Runs what remains of <paramref name="spec"/> into <paramref name="directory"/> and renders it. Before
    /// anything is stored, the files the spec names are checked (<see cref="Tasks.ILabTask.Validate"/>) and its size and
    /// memory (<paramref name="limits"/>, default <see cref="ResourceLimits"/>' defaults).</summary>
    public static (RunnerOutcome Outcome, ExperimentSummary Summary) Run(
        ExperimentSpec spec,
        string directory,
        IOptimizerCatalog catalog,
        int jobs,
        IProgress<RunnerProgress>? progress = null,
        CancellationToken cancellation = default,
        ResourceLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var outcome = Execute(spec, directory, catalog, jobs, progress, cancellation, limits);
        return (outcome, Render(directory, spec));
    }

    /// <summary>Runs <paramref name="spec"/> in a temporary folder, deleted afterwards, and returns the analysis
    /// (no report is written): for a comparison run from code that keeps nothing on disk.</summary>
    public static (RunnerOutcome Outcome, ExperimentSummary Summary) Run(
        ExperimentSpec spec,
        IOptimizerCatalog catalog,
        int jobs,
        IProgress<RunnerProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "descent-lab-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = Execute(spec, directory, catalog, jobs, progress, cancellation, limits: null);
            using var store = RunStore.OpenExisting(directory);
            return (outcome, Analyzer.Analyze(spec, store.LoadRuns()).Summary);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Re-renders a folder from its store, reading the spec recorded there.</summary>
    public static ExperimentSummary Render(string directory, IOptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string json;
        using (var store = RunStore.OpenExisting(directory))
        {
            json = store.GetSpecJson() ?? throw new InvalidOperationException($"'{Path.Combine(directory, RunStore.FileName)}' holds no experiment spec");
        }

        return Render(directory, SpecParser.Parse(json, catalog));
    }

    /// <summary>Analyzes <paramref name="spec"/>'s runs in <paramref name="directory"/> and writes every output file.</summary>
    public static ExperimentSummary Render(string directory, ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(spec);
        using var store = RunStore.OpenExisting(directory);
        var runs = store.LoadRuns();
        var (summary, timing) = Analyzer.Analyze(spec, runs);
        SummaryJson.Write(directory, summary, timing);
        store.ExportCsv(directory);
        store.ExportJson(directory);
        ReportWriter.Write(directory, spec, summary, timing, runs);
        return summary;
    }

    /// <summary>Validates the task's inputs and the experiment's size and memory, then runs what the store in <paramref name="directory"/> lacks.</summary>
    private static RunnerOutcome Execute(ExperimentSpec spec, string directory, IOptimizerCatalog catalog, int jobs,
        IProgress<RunnerProgress>? progress, CancellationToken cancellation, ResourceLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Task.Definition.Validate(spec.Task);
        (limits ?? new ResourceLimits()).Check(spec, catalog, jobs);
        var task = spec.Task.Definition.CreateRun(spec.Task, directory);
        using var store = RunStore.Open(directory);
        return new ExperimentRunner(spec, catalog, store, task) { Jobs = jobs, Progress = progress }.Run(cancellation);
    }
}
