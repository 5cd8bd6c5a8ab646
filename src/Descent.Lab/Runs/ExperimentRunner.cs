using System.Collections.Concurrent;
using System.Diagnostics;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Lab.Runs;

/// <summary>
/// Runs every configuration × seed of an experiment that the store does not already hold as done, on
/// <see cref="Jobs"/> worker threads, writing each run to the store in one transaction as it finishes.
/// </summary>
/// <remarks>
/// Runs are independent and deterministic per seed, so the order in which workers finish them does not
/// change any result. Interrupting (Ctrl+C, a kill) loses only the runs in flight; running again skips
/// the completed and diverged runs and executes the rest (failed runs are retried).
/// The spec recorded in the store is replaced by this one only when this invocation ends with no failed run
/// (see <see cref="SqlRunStore.SetExperiment"/>), so a failing or interrupted run of another spec never replaces
/// the one the folder's report is rendered from.
/// Several runners may work on one folder at once (two <c>descent compare</c> processes, say): each run is claimed in the
/// store before it starts (<see cref="IRunStore.TryClaim"/>, a lease renewed while the runner lives), a run another
/// runner holds is left to it and waited for, and a run whose holder died (its lease expired, or its process on this
/// machine is gone) is taken over — so every run executes once (a run the other runner stored as failed meanwhile is not
/// retried here: running the compare again retries it).
/// With <see cref="FromQueue"/> the runner is a worker (<c>descent worker</c>): it records nothing about the experiment and
/// takes the store's queued runs one by one (<see cref="IRunStore.ClaimNext"/>) until none is pending, waiting while runs
/// are held by other workers, so that a run whose worker died is taken over when its lease expires.
/// A run stopped by the spec's early stopping (<see cref="RunStoppedException"/>) is stored as <see cref="RunStatus.Stopped"/>.
/// </remarks>
public sealed class ExperimentRunner
{
    private readonly ExperimentSpec spec;
    private readonly IOptimizerCatalog catalog;
    private readonly IRunStore store;
    private readonly LabTask task;

    /// <summary>Creates a runner. <paramref name="task"/> defaults to the runs of the spec's kind (<see cref="Tasks.ILabTask.CreateRun"/>).</summary>
    public ExperimentRunner(ExperimentSpec spec, IOptimizerCatalog catalog, IRunStore store, LabTask? task = null)
    {
        this.spec = spec ?? throw new ArgumentNullException(nameof(spec));
        this.catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.task = task ?? spec.Task.Definition.CreateRun(spec.Task, null);
    }

    /// <summary>Number of runs executed in parallel (default: processor count).</summary>
    public int Jobs { get; init; } = System.Environment.ProcessorCount;

    /// <summary>Receives a report whenever a run finishes (called from worker threads, serialized).</summary>
    public IProgress<RunnerProgress>? Progress { get; init; }

    /// <summary>The environment recorded with each run.</summary>
    public EnvironmentInfo Environment { get; init; } = EnvironmentInfo.Current();

    /// <summary>Stops after this many runs have been executed (for tests of interruption); null = no limit.</summary>
    public int? MaxRuns { get; init; }

    /// <summary>Names this runner in the store's leases: machine, process id and a unique suffix.</summary>
    public string Owner { get; init; } = $"{System.Environment.MachineName}/{System.Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>How long a claim on a run lasts unless renewed (this runner renews its claims every quarter of it);
    /// default two minutes.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether this runner is a worker that takes the store's queued runs (<see cref="IRunStore.ClaimNext"/>) instead of
    /// recording the experiment and running its runs in spec order (default false).</summary>
    public bool FromQueue { get; init; }

    /// <summary>How often a run another runner holds is checked again (default one second).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs what remains. Cancelling stops starting new runs and abandons those in flight.</summary>
    public RunnerOutcome Run(CancellationToken cancellation = default)
    {
        if (Jobs < 1)
        {
            throw new InvalidOperationException($"Jobs must be ≥ 1, got {Jobs}");
        }

        if (!FromQueue)
        {
            store.SetExperiment(spec);
        }

        var all = spec.Runs();
        var byKey = all.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var done = store.DoneRunKeys();
        List<RunDescriptor> todo = FromQueue
            ? [.. store.PendingRunKeys().Where(byKey.ContainsKey).Select(k => byKey[k])]
            : [.. all.Where(r => !done.Contains(r.Key))];
        if (MaxRuns is { } max)
        {
            todo = [.. todo.Take(max)];
        }

        var skipped = all.Count(r => done.Contains(r.Key));
        var queue = new ConcurrentQueue<RunDescriptor>(todo);
        var workers = Math.Min(Jobs, Math.Max(1, todo.Count));
        var held = new ConcurrentQueue<RunDescriptor>();
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var finished = 0;
        var diverged = 0;
        var stopped = 0;
        var elsewhere = 0;
        var failed = new ConcurrentBag<string>();
        var progressGate = new Lock();
        Exception? fatal = null;
        Progress?.Report(new RunnerProgress(all.Count, skipped, 0, 0, 0, TimeSpan.Zero, null, null));

        bool Running() => !cancellation.IsCancellationRequested && Volatile.Read(ref fatal) is null;

        void Worker()
        {
            if (FromQueue)
            {
                QueueWorker();
                return;
            }

            // First every run nobody holds; then the runs other runners held, as they finish or their holders vanish.
            while (Running() && queue.TryDequeue(out var run))
            {
                if (!Claim(run))
                {
                    held.Enqueue(run);
                }
                else if (!Execute(run))
                {
                    return;
                }
            }

            while (Running() && held.TryDequeue(out var run))
            {
                if (store.IsSettled(run.Key, started))
                {
                    Interlocked.Increment(ref elsewhere);
                }
                else if (Claim(run))
                {
                    // Stored by its holder between the check and the claim (it saved the run, then let go): not ours to run.
                    if (store.IsSettled(run.Key, started))
                    {
                        store.ReleaseLease(run.Key, Owner);
                        Interlocked.Increment(ref elsewhere);
                    }
                    else if (!Execute(run))
                    {
                        return;
                    }
                }
                else
                {
                    held.Enqueue(run);
                    cancellation.WaitHandle.WaitOne(PollInterval);
                }
            }
        }

        // A worker: the first queued run nobody holds, until none is pending; runs held by others are waited for (their
        // holders may die, and their leases then expire).
        void QueueWorker()
        {
            while (Running())
            {
                if (store.ClaimNext(Owner, Lease, byKey.ContainsKey) is { } key)
                {
                    if (!Execute(byKey[key]))
                    {
                        return;
                    }
                }
                else if (store.PendingRunKeys().Any(byKey.ContainsKey))
                {
                    cancellation.WaitHandle.WaitOne(PollInterval);
                }
                else
                {
                    return;
                }
            }
        }

        bool Execute(RunDescriptor run)
        {
            RunResult result;
            try
            {
                result = Perform(task, new RunContext(spec, run, catalog, cancellation) { Rungs = store }, exclusive: workers == 1);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                store.SaveRun(run, result, Environment);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any failure to store a run (SQLite, I/O, or a bug) ends the experiment cleanly: the worker
                // stops, the others stop taking runs, and Run throws after they have finished.
                Interlocked.CompareExchange(ref fatal, e, null);
                return false;
            }

            lock (progressGate)
            {
                finished++;
                if (result.Status == RunStatus.Diverged)
                {
                    diverged++;
                }
                else if (result.Status == RunStatus.Stopped)
                {
                    stopped++;
                }
                else if (result.Status == RunStatus.Failed)
                {
                    failed.Add($"{run.Key}: {result.Message}");
                }

                var remaining = Math.Max(0, todo.Count - finished);
                var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / finished * remaining);
                Progress?.Report(new RunnerProgress(all.Count, skipped, finished, diverged, failed.Count, clock.Elapsed, eta,
                    $"{run.Configuration.Label} {run.Configuration.Description} seed {run.Seed}: {Describe(result)}"));
            }

            return true;
        }

        var threads = Enumerable.Range(0, workers)
            .Select(i => new Thread(Worker) { IsBackground = true, Name = $"descent-lab-{i}" })
            .ToList();
        using (var renewal = new Timer(_ => Renew(), null, Lease / 4, Lease / 4))
        {
            try
            {
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
            }
            finally
            {
                renewal.Change(Timeout.Infinite, Timeout.Infinite);
                store.ReleaseLeases(Owner);
            }
        }

        if (fatal is not null)
        {
            throw new IOException($"could not write to the run store '{store.Location}': {Printable.Describe(fatal)}", fatal);
        }

        cancellation.ThrowIfCancellationRequested();
        if (failed.IsEmpty && !FromQueue)
        {
            store.CommitExperiment();
        }

        return new RunnerOutcome(all.Count, skipped, finished, diverged, [.. failed.Order(StringComparer.Ordinal)], clock.Elapsed)
        {
            DoneElsewhere = elsewhere,
            Stopped = stopped,
        };
    }

    /// <summary>
    /// Performs one run as the runner does: <paramref name="task"/>'s run in <paramref name="context"/> with its resources
    /// appended (<see cref="RunResources"/>; the peak working set measured alone when <paramref name="exclusive"/>, see
    /// <see cref="PeakWorkingSetMeter.Start"/>); a run stopped by early stopping gives its <see cref="RunStoppedException.Result"/>,
    /// and a run that throws gives a <see cref="RunStatus.Failed"/> result with the exception's description. Cancelling
    /// <see cref="RunContext.Cancellation"/> throws <see cref="OperationCanceledException"/> instead (the run is then not done).
    /// </summary>
    public static RunResult Perform(LabTask task, RunContext context, bool exclusive)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var meter = PeakWorkingSetMeter.Start(exclusive);
            var result = task.Run(context);
            return RunResources.Append(result, context.Optimizers, meter.Stop());
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (RunStoppedException stopped)
        {
            return stopped.Result;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new RunResult(RunStatus.Failed, Printable.Describe(e), 0, 0, [], []);
        }
    }

    /// <summary>Claims <paramref name="run"/>: free, expired, or held by a process of this machine that is gone.</summary>
    private bool Claim(RunDescriptor run)
    {
        if (store.TryClaim(run.Key, Owner, Lease))
        {
            return true;
        }

        return store.LeaseHolder(run.Key) is { } holder && IsGone(holder) && store.TakeOver(run.Key, holder, Owner, Lease);
    }

    private void Renew()
    {
        try
        {
            store.RenewLeases(Owner, Lease);
        }
        catch (IOException)
        {
            // The store is busy or gone: the next renewal tries again, and a lease that lapses is only taken over.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Whether the runner named <paramref name="holder"/> (see <see cref="Owner"/>) was a process of this machine
    /// that no longer runs (killed, say): its leases need not be waited out.</summary>
    private static bool IsGone(string holder)
    {
        var parts = holder.Split('/');
        if (parts.Length != 3 || parts[0] != System.Environment.MachineName || !int.TryParse(parts[1], out var pid)
            || pid == System.Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static string Describe(RunResult r) => r.Status switch
    {
        RunStatus.Completed => $"completed {r.Steps} steps in {r.Seconds:0.00} s",
        RunStatus.Diverged => $"diverged at step {r.Steps}",
        RunStatus.Stopped => $"stopped early at step {r.Steps}",
        _ => $"failed: {r.Message}",
    };
}
