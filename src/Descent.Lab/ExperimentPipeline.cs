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
    /// memory (<paramref name="limits"/>, default <see cref="ResourceLimits"/>' defaults). A spec whose
    /// <see cref="ExperimentSpec.Ranks"/> is above 1 needs <paramref name="dataParallel"/>, which creates what performs its
    /// runs as data-parallel jobs of that many processes, given the spec and the output folder (the <c>descent</c> CLI's starts
    /// each run under <c>mpirun</c>); without it such a spec is refused (<see cref="NotSupportedException"/>) before anything is stored.</summary>
    public static (RunnerOutcome Outcome, ExperimentSummary Summary) Run(
        ExperimentSpec spec,
        string directory,
        IOptimizerCatalog catalog,
        int jobs,
        IProgress<RunnerProgress>? progress = null,
        CancellationToken cancellation = default,
        ResourceLimits? limits = null,
        Func<ExperimentSpec, string?, LabTask>? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var outcome = Execute(spec, directory, catalog, jobs, progress, cancellation, limits, dataParallel);
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
            var outcome = Execute(spec, directory, catalog, jobs, progress, cancellation, limits: null, dataParallel: null);
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

    /// <summary>Runs what remains of <paramref name="spec"/> in <paramref name="store"/> (any backend: a PostgreSQL store
    /// shared with <c>descent worker</c> processes, say), waiting for the runs other runners hold, then renders the report
    /// into <paramref name="directory"/>. Checks, and runs a spec of several ranks, as
    /// <see cref="Run(ExperimentSpec, string, IOptimizerCatalog, int, IProgress{RunnerProgress}?, CancellationToken, ResourceLimits?, Func{ExperimentSpec, string?, LabTask}?)"/>.</summary>
    public static (RunnerOutcome Outcome, ExperimentSummary Summary) Run(ExperimentSpec spec, IRunStore store, string directory, IOptimizerCatalog catalog,
        int jobs, IProgress<RunnerProgress>? progress = null, CancellationToken cancellation = default, ResourceLimits? limits = null,
        Func<ExperimentSpec, string?, LabTask>? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        Check(spec, catalog, jobs, limits, dataParallel);
        var task = CreateTask(spec, directory, dataParallel);
        var outcome = new ExperimentRunner(spec, catalog, store, task) { Jobs = jobs, Progress = progress }.Run(cancellation);
        Directory.CreateDirectory(directory);
        return (outcome, Render(store, directory, spec));
    }

    /// <summary>
    /// A worker (<c>descent worker</c>): reads the experiment recorded in <paramref name="store"/>, checks its task's inputs on
    /// this machine, and executes queued runs (<see cref="ExperimentRunner.FromQueue"/>) on <paramref name="jobs"/> threads
    /// until none is pending. Relative paths in the spec resolve against <paramref name="baseDirectory"/> (default: the
    /// current directory). <paramref name="lease"/> and <paramref name="pollInterval"/> default to the runner's. A spec of
    /// several ranks needs <paramref name="dataParallel"/>, as for <c>Run</c>.
    /// </summary>
    public static RunnerOutcome Work(
        IRunStore store,
        IOptimizerCatalog catalog,
        int jobs,
        IProgress<RunnerProgress>? progress = null,
        CancellationToken cancellation = default,
        string? baseDirectory = null,
        TimeSpan? lease = null,
        TimeSpan? pollInterval = null,
        Func<ExperimentSpec, string?, LabTask>? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = SpecParser.Parse(SpecJson(store), catalog, baseDirectory: baseDirectory);
        spec.Task.Definition.Validate(spec.Task);
        RequireLauncher(spec, dataParallel);
        var task = CreateTask(spec, null, dataParallel);
        var defaults = new ExperimentRunner(spec, catalog, store, task);
        return new ExperimentRunner(spec, catalog, store, task)
        {
            Jobs = jobs,
            Progress = progress,
            FromQueue = true,
            Lease = lease ?? defaults.Lease,
            PollInterval = pollInterval ?? defaults.PollInterval,
        }.Run(cancellation);
    }

    /// <summary>Re-renders a folder from its store, reading the spec recorded there.</summary>
    public static ExperimentSummary Render(string directory, IOptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(directory);
        using var store = RunStore.OpenExisting(directory);
        return Render(store, directory, catalog);
    }

    /// <summary>Renders <paramref name="store"/>'s experiment, with the spec recorded there, into <paramref name="directory"/>.</summary>
    public static ExperimentSummary Render(IRunStore store, string directory, IOptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(store);
        Directory.CreateDirectory(directory);
        return Render(store, directory, SpecParser.Parse(SpecJson(store), catalog));
    }

    /// <summary>Analyzes <paramref name="spec"/>'s runs in <paramref name="directory"/> and writes every output file.</summary>
    public static ExperimentSummary Render(string directory, ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(directory);
        using var store = RunStore.OpenExisting(directory);
        return Render(store, directory, spec);
    }

    /// <summary>Analyzes <paramref name="spec"/>'s runs in <paramref name="store"/> and writes every output file into <paramref name="directory"/>.</summary>
    public static ExperimentSummary Render(IRunStore store, string directory, ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(spec);
        var runs = store.LoadRuns();
        var (summary, timing) = Analyzer.Analyze(spec, runs);
        SummaryJson.Write(directory, summary, timing);
        store.ExportCsv(directory);
        store.ExportJson(directory);
        ReportWriter.Write(directory, spec, summary, timing, runs);
        return summary;
    }

    private static string SpecJson(IRunStore store) =>
        store.GetSpecJson() ?? throw new InvalidOperationException($"'{store.Location}' holds no experiment spec; run 'descent compare' with it first");

    /// <summary>Validates the task's inputs, the experiment's size and memory, and that a spec of several ranks can be launched.</summary>
    private static void Check(ExperimentSpec spec, IOptimizerCatalog catalog, int jobs, ResourceLimits? limits,
        Func<ExperimentSpec, string?, LabTask>? dataParallel)
    {
        spec.Task.Definition.Validate(spec.Task);
        (limits ?? new ResourceLimits()).Check(spec, catalog, jobs);
        RequireLauncher(spec, dataParallel);
    }

    private static void RequireLauncher(ExperimentSpec spec, Func<ExperimentSpec, string?, LabTask>? dataParallel)
    {
        if (spec.Ranks > 1 && dataParallel is null)
        {
            throw new NotSupportedException(
                $"'{spec.Name}' asks for {spec.Ranks} ranks ($.ranks): each run is a data-parallel job of {spec.Ranks} processes, which "
                + "this caller cannot start; run it with 'descent compare' (it starts every run under mpirun), or set \"ranks\" to 1");
        }
    }

    /// <summary>What performs the runs: the spec's kind for one rank, else <paramref name="dataParallel"/>'s launcher.</summary>
    private static LabTask CreateTask(ExperimentSpec spec, string? directory, Func<ExperimentSpec, string?, LabTask>? dataParallel)
    {
        RequireLauncher(spec, dataParallel);
        return spec.Ranks == 1 ? spec.Task.Definition.CreateRun(spec.Task, directory) : dataParallel!(spec, directory);
    }

    /// <summary>Validates the task's inputs and the experiment's size and memory, then runs what the store in <paramref name="directory"/> lacks.</summary>
    private static RunnerOutcome Execute(ExperimentSpec spec, string directory, IOptimizerCatalog catalog, int jobs,
        IProgress<RunnerProgress>? progress, CancellationToken cancellation, ResourceLimits? limits,
        Func<ExperimentSpec, string?, LabTask>? dataParallel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Check(spec, catalog, jobs, limits, dataParallel);
        var task = CreateTask(spec, directory, dataParallel);
        using var store = RunStore.Open(directory);
        return new ExperimentRunner(spec, catalog, store, task) { Jobs = jobs, Progress = progress }.Run(cancellation);
    }
}
