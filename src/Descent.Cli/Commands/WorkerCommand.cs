using System.CommandLine;
using System.Globalization;
using Descent.Lab;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent worker --store URL [--experiment NAME] [--jobs N] [--lease SECONDS]</c>: executes queued runs of experiments
/// that <c>descent compare --store URL</c> created, on this machine, until none is pending. Runs are claimed in the store
/// (<c>SELECT … FOR UPDATE SKIP LOCKED</c> on PostgreSQL) and leased; the lease is renewed every quarter of its length while
/// the run trains, and a run whose worker died is taken over by another worker once its lease expires.
/// </summary>
public static class WorkerCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        var store = StoreLocation.Option("Where the experiments are: a PostgreSQL URL (postgresql://user:password@host:port/database) or a folder holding runs.db.");
        var experiment = StoreLocation.ExperimentOption();
        ArgumentNullException.ThrowIfNull(context);
        var jobs = CommonOptions.Integer("--jobs", Environment.ProcessorCount, min: 1, max: CompareCommand.MaxJobs,
            "Runs executed in parallel on this machine (default: number of processors; for a spec with \"ranks\": N, that divided by N).");
        jobs.Aliases.Add("-j");
        var lease = CommonOptions.Integer("--lease", 120, min: 2, max: MaxLeaseSeconds,
            "Seconds a claimed run stays this worker's without a heartbeat (renewed every quarter of it); a run of a worker that died is taken over after this.");
        var command = new Command("worker", "Execute the queued runs of a shared run store (PostgreSQL) until none is pending; start one per machine")
        {
            store, experiment, jobs, lease,
        };
        command.SetAction(parse => Execute(context, parse.GetValue(store), parse.GetValue(experiment), parse.GetValue(jobs), parse.GetValue(lease),
            jobsGiven: parse.GetResult(jobs) is { Implicit: false }));
        return command;
    }

    /// <summary>Runs the command; returns the exit code. An experiment with <c>"ranks": N</c> runs every run as an MPI job of N
    /// processes (<see cref="Mpi.MpiRunTask"/>); unless <paramref name="jobsGiven"/>, <paramref name="jobs"/> is divided by N for it.</summary>
    public static int Execute(CliContext context, string? store, string? experiment, int jobs, int leaseSeconds, CancellationToken cancellation = default,
        bool jobsGiven = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (store is null)
        {
            throw new CliException("--store is required: the PostgreSQL URL (or folder) that 'descent compare SPEC --store …' created the runs in");
        }

        Descent.Numerics.ParallelRange.MaxWorkers = 1;
        if (jobs > 1)
        {
            Descent.Numerics.Gemm.MaxWorkers = 1;
        }

        var names = experiment is null ? StoreLocation.Experiments(store) : [experiment];
        if (names.Count == 0)
        {
            throw new CliException($"--store: '{StoreLocation.Display(store)}' holds no experiment; run 'descent compare SPEC --store …' first");
        }

        var failed = 0;
        foreach (var name in names)
        {
            using var runs = StoreLocation.Open(store, name, mustExist: true);
            var prefix = names.Count > 1 ? $"{Printable.Escape(name)}: " : "";
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}worker on {Printable.Escape(runs.Location)}, {jobs} in parallel, lease {leaseSeconds} s"));
            var progress = new CompareCommand.ProgressPrinter(context.Output, prefix);
            RunnerOutcome outcome;
            try
            {
                var here = JobsHere(runs, jobs, jobsGiven);
                outcome = ExperimentPipeline.Work(runs, EngineCatalog.Instance, here, progress, cancellation,
                    lease: TimeSpan.FromSeconds(leaseSeconds), pollInterval: TimeSpan.FromSeconds(Math.Min(1.0, leaseSeconds / 4.0)),
                    dataParallel: CompareCommand.DataParallelRuns(here, "worker"));
            }
            catch (SpecValidationException e)
            {
                throw new CliException($"the spec stored in '{runs.Location}' is not valid here: {e.Message}", e);
            }

            progress.Finish();
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}{outcome.Executed} runs executed here ({outcome.Diverged} diverged, {outcome.Stopped} stopped early, {outcome.Failed.Count} failed); none pending"));
            foreach (var f in outcome.Failed)
            {
                context.Error.WriteLine($"error: {prefix}{Printable.Escape(f)}");
            }

            failed += outcome.Failed.Count;
        }

        return failed > 0 ? ExitCodes.RunsFailed : ExitCodes.Success;
    }

    /// <summary>The runs in parallel for the experiment in <paramref name="runs"/> (<see cref="CompareCommand.JobsFor"/>); the spec
    /// is read again, and reported, by the runner.</summary>
    private static int JobsHere(Descent.Lab.Store.IRunStore runs, int jobs, bool jobsGiven)
    {
        if (jobsGiven || runs.GetSpecJson() is not { } json)
        {
            return jobs;
        }

        try
        {
            return CompareCommand.JobsFor(SpecParser.Parse(json, EngineCatalog.Instance), jobs, jobsGiven);
        }
        catch (SpecValidationException)
        {
            return jobs;
        }
    }

    /// <summary>Longest lease, in seconds.</summary>
    public const int MaxLeaseSeconds = 86_400;
}
