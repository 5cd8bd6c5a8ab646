using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Commands;
using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Cli.Mpi;

/// <summary>
/// How <c>descent compare</c> and <c>descent worker</c> perform the runs of a spec with <c>"ranks": N</c> (N &gt; 1): each run
/// is its own MPI job, <c>mpirun -n N descent lab-run …</c> (<see cref="LabRunCommand"/>), whose ranks train it data-parallel
/// and whose rank 0 hands the <see cref="RunResult"/> back in a file; this process stores it like any other run, so resuming,
/// the fingerprint, leases, PostgreSQL workers and early stopping (rungs relayed by <see cref="RungRelay"/>) work unchanged,
/// and the run store is touched by this process only.
/// </summary>
/// <remarks>A job that ends without a result (a rank crashed or was killed) makes the run fail with the job's exit code and
/// the last lines of its error output; cancelling (Ctrl+C) kills the job. Work the task's runs share and cache on disk (the
/// <c>fashion-transfer</c> pretraining) is done here once, before the first job (<see cref="LabTask.Prepare"/>).</remarks>
public sealed class MpiRunTask : LabTask
{
    /// <summary>Lines of a failed job's error output quoted in the run's message.</summary>
    private const int QuotedLines = 12;

    private readonly ExperimentSpec spec;
    private readonly string? outputDirectory;
    private readonly MpiLauncher launcher;
    private readonly int threads;
    private readonly Lazy<LabTask> prepared;

    /// <summary>Creates the runs of <paramref name="spec"/> (its <see cref="ExperimentSpec.Ranks"/> processes each), started by
    /// <paramref name="launcher"/> with <paramref name="threadsPerRank"/> threads per rank; <paramref name="outputDirectory"/> is the
    /// experiment's folder (where tasks cache shared work), or null.</summary>
    public MpiRunTask(ExperimentSpec spec, string? outputDirectory, MpiLauncher launcher, int threadsPerRank)
    {
        this.spec = spec ?? throw new ArgumentNullException(nameof(spec));
        this.launcher = launcher ?? throw new ArgumentNullException(nameof(launcher));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadsPerRank);
        this.outputDirectory = outputDirectory is null ? null : Path.GetFullPath(outputDirectory);
        threads = threadsPerRank;
        prepared = new Lazy<LabTask>(() =>
        {
            var task = spec.Task.Definition.CreateRun(spec.Task, this.outputDirectory);
            task.Prepare();
            return task;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public override void Prepare() => _ = prepared.Value;

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Prepare();
        var folder = Directory.CreateTempSubdirectory("descent-ranks-");
        try
        {
            var requestPath = Path.Combine(folder.FullName, "request.json");
            var resultPath = Path.Combine(folder.FullName, "result.json");
            new DataParallelRunRequest(spec.SourceJson, spec.BaseDirectory ?? Directory.GetCurrentDirectory(), outputDirectory, context.Run.Key,
                context.Rungs is not null).Write(requestPath);
            var info = launcher.StartInfo(spec.Ranks, [LabRunCommand.Name, "--request", requestPath, "--result", resultPath], threads);
            var (exitCode, errors) = RunJob(info, context);
            if (File.Exists(resultPath))
            {
                var result = RunResultFile.Read(resultPath);
                return result.Status == RunStatus.Failed
                    ? throw new InvalidOperationException(result.Message ?? $"the run failed (mpirun -n {spec.Ranks}, exit code {exitCode})")
                    : result;
            }

            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the run's MPI job (mpirun -n {spec.Ranks} … {LabRunCommand.Name}) ended with exit code {exitCode} and no result")
                + (errors.Length == 0 ? string.Empty : $": {errors}"));
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    /// <summary>Runs the job to its end (killing it when the run is cancelled), answering rank 0's rung requests; returns its exit
    /// code and the last lines of its error output (and of any unexpected standard output).</summary>
    private static (int ExitCode, string Errors) RunJob(ProcessStartInfo info, RunContext context)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var tail = new Queue<string>();
        void Keep(string line)
        {
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > QuotedLines)
                {
                    tail.Dequeue();
                }
            }
        }

        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data) && !IsLauncherBoilerplate(e.Data))
            {
                Keep(e.Data);
            }
        };
        process.BeginErrorReadLine();
        Exception? relayFailure = null;
        var relay = new Thread(() =>
        {
            try
            {
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    if (context.Rungs is null || !RungRelay.Serve(line, context.Run.Key, context.Rungs, process.StandardInput))
                    {
                        Keep(line);
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The store failed, or the job is gone: the job then ends (rank 0 sees its input closed) and the run fails.
                relayFailure = e;
                Kill(process);
            }
        }) { IsBackground = true, Name = "descent-rung-relay" };
        relay.Start();
        using (context.Cancellation.Register(() => Kill(process)))
        {
            process.WaitForExit();
            relay.Join();
        }

        context.Cancellation.ThrowIfCancellationRequested();
        if (relayFailure is not null)
        {
            throw new IOException($"relaying early-stopping rungs of {context.Run.Key} failed: {Printable.Describe(relayFailure)}", relayFailure);
        }

        lock (tail)
        {
            return (process.ExitCode, string.Join(" | ", tail.Select(l => Printable.Escape(l.Trim()))));
        }
    }

    /// <summary>Hydra's banner around a failed job ("=== BAD TERMINATION …" framed in '=' lines) and its generic advice: left out of
    /// the run's message, which keeps the ranks' own errors and the exit string.</summary>
    private static bool IsLauncherBoilerplate(string line)
    {
        var text = line.TrimStart();
        return text.StartsWith('=') || text.StartsWith("This typically refers to a problem", StringComparison.Ordinal)
               || text.StartsWith("Please see the FAQ page", StringComparison.Ordinal);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
