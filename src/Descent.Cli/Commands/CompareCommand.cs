using System.CommandLine;
using System.Globalization;
using Descent.Cli.Mpi;
using Descent.Distributed;
using Descent.Experiments;
using Descent.Lab;
using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Reports;
using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent compare SPEC.json [--jobs N] [--out DIR]</c> and <c>descent compare --preset NAME</c>: run every
/// configuration × seed of an experiment (resuming what an earlier invocation left), then write
/// <c>runs.db</c>, <c>summary.json</c>, <c>timing.json</c>, CSV/JSON exports, the PNG charts and
/// <c>report.html</c> into the output folder.
/// </summary>
public static class CompareCommand
{
    /// <summary>Largest <c>--jobs</c>.</summary>
    public const int MaxJobs = 1024;

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var specArg = new Argument<string?>("spec")
        {
            Description = "Experiment spec (JSON; see examples/lab and examples/lab/experiment.schema.json).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var preset = new Option<string?>("--preset")
        {
            Description = $"Run a built-in set of experiments instead of a spec: {string.Join(", ", Presets.Names)}.",
            HelpName = "NAME",
        };
        var jobs = CommonOptions.Integer("--jobs", Environment.ProcessorCount, min: 1, max: MaxJobs,
            "Runs executed in parallel (default: number of processors; for a spec with \"ranks\": N, that divided by N).");
        jobs.Aliases.Add("-j");
        var output = CommonOptions.Out("descent-compare", "Output folder (created if missing). Running again with the same folder resumes: finished runs are skipped.");
        var maxRuns = CommonOptions.Integer("--max-runs", (int)ResourceLimits.DefaultMaxRuns, min: 1, max: int.MaxValue,
            $"Most runs a spec may expand to (configurations × seeds; default {ResourceLimits.DefaultMaxRuns:N0}): a larger grid is refused before any run unless this is raised.");
        var store = StoreLocation.Option("Where runs are stored (default: runs.db in the output folder): a PostgreSQL URL (postgresql://user:password@host:port/database), "
            + "shared with 'descent worker' processes on other machines, which execute the queued runs too; or a folder for runs.db. The report is written to --out.");
        var queueOnly = new Option<bool>("--queue-only")
        {
            Description = "With --store: record the experiment and queue its runs, run none, and exit; 'descent worker --store …' processes execute them and 'descent report --store …' renders the report.",
        };
        var command = new Command("compare", "Compare optimizers: run a grid of configurations × seeds, store every run, and write statistics and a report")
        {
            specArg, preset, jobs, output, maxRuns, store, queueOnly,
        };
        command.SetAction(parse => Execute(context, parse.GetValue(specArg), parse.GetValue(preset), parse.GetValue(jobs), parse.GetValue(output)!,
            new ResourceLimits { MaxRuns = parse.GetValue(maxRuns) }, store: parse.GetValue(store), queueOnly: parse.GetValue(queueOnly),
            jobsGiven: parse.GetResult(jobs) is { Implicit: false }));
        return command;
    }

    /// <summary>Runs the command; returns the exit code. Every spec is checked against <paramref name="limits"/> (default
    /// <see cref="ResourceLimits"/>' defaults) before any run.</summary>
    /// <paramref name="store"/>: a PostgreSQL URL or a folder for runs.db (default: the output folder); with
    /// <paramref name="queueOnly"/>, the experiments are recorded and their runs queued there, and nothing runs.
    /// A spec with <c>"ranks": N</c> runs every run as an MPI job of N processes (<see cref="MpiRunTask"/>); unless
    /// <paramref name="jobsGiven"/>, <paramref name="jobs"/> (the default, the processor count) is divided by N for it.
    public static int Execute(CliContext context, string? specPath, string? preset, int jobs, string outDir, ResourceLimits? limits = null,
        CancellationToken cancellation = default, string? store = null, bool queueOnly = false, bool jobsGiven = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        limits ??= new ResourceLimits();
        if (queueOnly && store is null)
        {
            throw new CliException("--queue-only queues the runs in a shared store for 'descent worker'; give the store with --store postgresql://…");
        }

        if ((specPath is null) == (preset is null))
        {
            throw new CliException("give either a spec file (descent compare SPEC.json) or --preset NAME " +
                                   $"(available: {string.Join(", ", Presets.Names)})");
        }

        // The lab parallelizes across runs (--jobs). Element-wise and optimizer kernels run single-threaded in
        // every run; matrix products use the worker pool only when one run is in flight (--jobs 1), so a large
        // task (minilm-spam) still gets every core, and several jobs do not oversubscribe them. Results do not
        // depend on either choice: each element of a product is summed by one worker in a fixed order (tested).
        Descent.Numerics.ParallelRange.MaxWorkers = 1;
        if (jobs > 1)
        {
            Descent.Numerics.Gemm.MaxWorkers = 1;
        }

        OutputFolder.RequireWritable(outDir);
        var catalog = EngineCatalog.Instance;
        if (specPath is not null && queueOnly)
        {
            return Queue(context, Parse(() => SpecParser.ParseFile(specPath, catalog, context.Tasks), catalog, limits, jobs, jobsGiven, runs: false), store!);
        }

        if (specPath is not null)
        {
            var spec = Parse(() => SpecParser.ParseFile(specPath, catalog, context.Tasks), catalog, limits, jobs, jobsGiven, runs: true);
            var (summary, failed) = RunOne(context, spec, outDir, JobsFor(spec, jobs, jobsGiven), catalog, limits, cancellation, 1, 1, store);
            context.Output.WriteLine();
            context.Output.WriteLine(Printable.Escape(summary.Verdict));
            context.Output.WriteLine($"report: {Path.GetFullPath(Path.Combine(outDir, "report.html"))}");
            return failed > 0 ? ExitCodes.RunsFailed : ExitCodes.Success;
        }

        string[] texts;
        try
        {
            texts = [.. Presets.Load(preset!)];
        }
        catch (ArgumentException e)
        {
            throw new CliException(Printable.Describe(e));
        }

        // Check every spec before running any.
        var specs = texts.Select(t => Parse(() => SpecParser.Parse(t, catalog, context.Tasks), catalog, limits, jobs, jobsGiven, runs: !queueOnly)).ToList();
        if (queueOnly)
        {
            specs.ForEach(s => Queue(context, s, StoreLocation.IsPostgres(store!) ? store! : Path.Combine(store!, s.Name)));
            return ExitCodes.Success;
        }

        var done = new List<(string Folder, ExperimentSummary Summary)>();
        var failedRuns = 0;
        for (var i = 0; i < specs.Count; i++)
        {
            var folder = specs[i].Name;
            var (summary, failed) = RunOne(context, specs[i], Path.Combine(outDir, folder), JobsFor(specs[i], jobs, jobsGiven), catalog, limits, cancellation, i + 1, specs.Count,
                store is null || StoreLocation.IsPostgres(store) ? store : Path.Combine(store, folder));
            done.Add((folder, summary));
            failedRuns += failed;
        }

        var index = IndexWriter.Write(outDir, $"Preset {preset}", PresetDescription(preset!), done);
        context.Output.WriteLine();
        foreach (var (folder, s) in done)
        {
            context.Output.WriteLine(Printable.Escape($"{folder}: {s.Verdict}"));
        }

        context.Output.WriteLine($"report: {Path.GetFullPath(index)}");
        return failedRuns > 0 ? ExitCodes.RunsFailed : ExitCodes.Success;
    }

    /// <summary>Records <paramref name="spec"/> in <paramref name="store"/> and queues its runs (at once the experiment's spec
    /// there, so that workers read it), running none.</summary>
    private static int Queue(CliContext context, ExperimentSpec spec, string store)
    {
        using var runs = StoreLocation.Open(store, spec.Name, mustExist: false);
        runs.SetExperiment(spec);
        runs.CommitExperiment();
        context.Output.WriteLine($"{Printable.Escape(spec.Name)}: {spec.Runs().Count} runs recorded in {Printable.Escape(runs.Location)}, " +
                                 $"{runs.PendingRunKeys().Count} pending; start 'descent worker --store …' on each machine, then 'descent report DIR --store …'");
        return ExitCodes.Success;
    }

    private static string PresetDescription(string preset) =>
        preset == "sgd-vs-adam"
            ? "SGD (with and without momentum) against Adam on small tasks: the article's 2-16-1 MLP, an MLP on the 8×8 digits, Rosenbrock's valley and a noisy quadratic."
            : $"Built-in preset {preset}.";

    /// <summary>Parses a spec, opens and checks every file it names (<see cref="Descent.Lab.Tasks.ILabTask.Validate"/>) and
    /// checks its size and memory against <paramref name="limits"/>, so that bad input fails before any run of any spec starts;
    /// when its runs are to execute here (<paramref name="runs"/>), also that a spec of several ranks can start its MPI jobs
    /// (<see cref="MpiLauncher.Locate"/>) and that this compare is not itself one of an MPI job's processes.</summary>
    private static ExperimentSpec Parse(Func<ExperimentSpec> parse, IOptimizerCatalog catalog, ResourceLimits limits, int jobs, bool jobsGiven, bool runs)
    {
        try
        {
            var spec = parse();
            spec.Task.Definition.Validate(spec.Task);
            limits.Check(spec, catalog, JobsFor(spec, jobs, jobsGiven));
            if (runs)
            {
                MpiLauncher.RefuseInsideMpiJob(spec, MpiCommunicator.IsLaunchedByMpi(), Communicator.FromEnvironment().Size, "compare");
                if (spec.Ranks > 1)
                {
                    MpiLauncher.Locate(spec.Ranks);
                }
            }

            return spec;
        }
        catch (SpecValidationException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The runs in parallel for <paramref name="spec"/>: <paramref name="jobs"/> as given, or the default divided by the
    /// spec's ranks (each run is then that many processes).</summary>
    internal static int JobsFor(ExperimentSpec spec, int jobs, bool jobsGiven) =>
        jobsGiven || spec.Ranks == 1 ? jobs : Math.Max(1, jobs / spec.Ranks);

    /// <summary>What performs the runs of a spec of several ranks: an MPI job per run (<see cref="MpiRunTask"/>).</summary>
    internal static Func<ExperimentSpec, string?, LabTask> DataParallelRuns(int jobs, string command) => (spec, directory) =>
    {
        MpiLauncher.RefuseInsideMpiJob(spec, MpiCommunicator.IsLaunchedByMpi(), Communicator.FromEnvironment().Size, command);
        return new MpiRunTask(spec, directory, MpiLauncher.Locate(spec.Ranks), MpiLauncher.ThreadsPerRank(spec.Ranks, jobs));
    };

    /// <summary>Runs one experiment; returns its summary and the number of runs that failed in this invocation.</summary>
    private static (ExperimentSummary Summary, int Failed) RunOne(CliContext context, ExperimentSpec spec, string outDir, int jobs, IOptimizerCatalog catalog,
        ResourceLimits limits, CancellationToken cancellation, int index, int count, string? store)
    {
        var total = spec.Runs().Count;
        var prefix = count > 1 ? $"[{index}/{count}] " : "";
        var ranks = spec.Ranks > 1 ? $", each data-parallel on {spec.Ranks} ranks (mpirun -n {spec.Ranks})" : "";
        context.Output.WriteLine($"{prefix}{Printable.Escape(spec.Name)}: {spec.Configurations().Count} configurations × {spec.Seeds.Count} seeds = {total} runs on {spec.Task.Kind}{ranks}, {jobs} in parallel{(ResourceLimits.EstimateTime(spec, jobs) is { TotalMinutes: >= 1 } t ? $" (compute estimated at least {DurationText.Format(t)})" : "")} → {outDir}");
        // A shared store is opened (and so checked: it answers, its schema version is this build's) before any run.
        using var shared = store is null ? null : StoreLocation.Open(store, spec.Name, mustExist: false);
        if (shared is not null)
        {
            context.Output.WriteLine($"{prefix}store: {Printable.Escape(shared.Location)}");
        }

        var progress = new ProgressPrinter(context.Output, prefix);
        try
        {
            var dataParallel = DataParallelRuns(jobs, "compare");
            var (outcome, summary) = shared is null
                ? ExperimentPipeline.Run(spec, outDir, catalog, jobs, progress, cancellation, limits, dataParallel)
                : ExperimentPipeline.Run(spec, shared, outDir, catalog, jobs, progress, cancellation, limits, dataParallel);
            progress.Finish();
            if (outcome.DoneElsewhere > 0)
            {
                context.Output.WriteLine($"{prefix}{outcome.DoneElsewhere} runs were executed by another compare on the same folder meanwhile");
            }

            if (outcome.Skipped > 0)
            {
                context.Output.WriteLine($"{prefix}resumed: {outcome.Skipped} runs were already done, {outcome.Executed} executed now");
            }

            if (outcome.Stopped > 0)
            {
                context.Output.WriteLine($"{prefix}{outcome.Stopped} run{(outcome.Stopped == 1 ? "" : "s")} stopped early by early_stopping (recorded as stopped)");
            }

            if (outcome.Diverged > 0)
            {
                context.Output.WriteLine($"{prefix}{outcome.Diverged} run{(outcome.Diverged == 1 ? "" : "s")} diverged (recorded as diverged)");
            }

            ReportFailures(context.Error, prefix, outcome);
            return (summary, outcome.Failed.Count);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, e);
        }
        catch (NotSupportedException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>Most failed runs listed one per line; the rest are counted.</summary>
    private const int ListedFailures = 10;

    /// <summary>Says on standard error how many runs failed and why (each run's key and message, printable).</summary>
    private static void ReportFailures(TextWriter error, string prefix, RunnerOutcome outcome)
    {
        var failed = outcome.Failed;
        if (failed.Count == 0)
        {
            return;
        }

        error.WriteLine($"error: {prefix}{failed.Count} of {outcome.Executed} run{(outcome.Executed == 1 ? "" : "s")} executed failed "
                        + "(stored as failed; running the same compare again retries them):");
        foreach (var f in failed.Take(ListedFailures))
        {
            error.WriteLine($"  {Printable.Escape(f)}");
        }

        if (failed.Count > ListedFailures)
        {
            error.WriteLine($"  … and {failed.Count - ListedFailures} more (runs.csv lists every run's message)");
        }
    }

    /// <summary>Prints runs done / total, percentage and ETA: rewriting one line on a terminal, or a line every 10% otherwise.</summary>
    internal sealed class ProgressPrinter(TextWriter output, string prefix) : IProgress<RunnerProgress>
    {
        private readonly bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        private int lastDecile = -1;
        private bool pending;

        public void Report(RunnerProgress p)
        {
            var pct = p.Total == 0 ? 100 : 100 * p.Done / p.Total;
            var eta = p.Eta is { } e ? $"ETA {Format(e)}" : "ETA …";
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{prefix}{p.Done}/{p.Total} runs ({pct}%), {p.Diverged} diverged, {Format(p.Elapsed)} elapsed, {eta}");
            if (interactive)
            {
                output.Write($"\r{line.PadRight(100)}");
                pending = true;
            }
            else if (pct / 10 != lastDecile)
            {
                lastDecile = pct / 10;
                output.WriteLine(line);
            }
        }

        public void Finish()
        {
            if (pending)
            {
                output.WriteLine();
                pending = false;
            }
        }

        private static string Format(TimeSpan t) => DurationText.Format(t);
    }
}
