namespace Descent.Numerics;

/// <summary>
/// Splits [0, length) into contiguous chunks and runs a job on them across the cores. Small ranges
/// (fewer than <c>minChunk</c> elements per worker) run inline on the calling thread.
/// </summary>
/// <remarks>Chunk boundaries are multiples of 64 elements, so SIMD kernels see aligned chunk starts relative to
/// the range start; the last chunk takes the remainder. The chunks run on a persistent pool of worker
/// threads plus the calling thread (no allocation per call); a call made while the pool is busy (nested, or
/// from another thread) runs inline.</remarks>
public static class ParallelRange
{
    private static readonly RangeAdapter Adapter = new();
    internal static readonly ThreadOverride Workers = new();

    /// <summary>Number of workers used for large ranges (at least 1): <see cref="Threads.Max"/> unless set here, which overrides it
    /// for this kind of work until <see cref="Threads.Max"/> is set.</summary>
    public static int MaxWorkers
    {
        get => Workers.Value;
        set => Workers.Value = value;
    }

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="length"/>).</summary>
    public static void For<TJob>(int length, int minChunk, TJob job)
        where TJob : class, IRangeJob
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var workers = Math.Min(Math.Min(MaxWorkers, WorkerPool.Shared.Capacity), Math.Max(1, length / Math.Max(1, minChunk)));
        if (workers <= 1)
        {
            job.Execute(0, length);
            return;
        }

        // The adapter is shared; WorkerPool runs one job at a time and runs others inline (as one worker),
        // so a busy pool never needs the adapter: take it only when the pool accepted the job.
        var adapter = Interlocked.Exchange(ref Adapter.InUse, 1) == 0 ? Adapter : null;
        if (adapter is null)
        {
            job.Execute(0, length);
            return;
        }

        try
        {
            adapter.Job = job;
            adapter.Length = length;
            WorkerPool.Shared.Run(adapter, workers);
        }
        finally
        {
            adapter.Job = null;
            Volatile.Write(ref adapter.InUse, 0);
        }
    }

    /// <summary>Maps worker w of W to its chunk of the range.</summary>
    private sealed class RangeAdapter : IWorkerJob
    {
        public int InUse;
        public IRangeJob? Job;
        public int Length;

        public void Execute(int worker, int workers)
        {
            var length = Length;
            if (workers == 1)
            {
                Job!.Execute(0, length);
                return;
            }

            var chunk = ((length / workers) + 63) & ~63;
            var start = worker * chunk;
            var end = worker == workers - 1 ? length : Math.Min(length, start + chunk);
            if (start < end)
            {
                Job!.Execute(start, end);
            }
        }
    }
}
