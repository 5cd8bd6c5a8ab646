using System.Runtime.ExceptionServices;

namespace Descent.Numerics;

/// <summary>
/// A persistent pool of background worker threads (processor count − 1) that, together with the calling
/// thread, run one <see cref="IWorkerJob"/> at a time. Hand-off is spin-then-wait on both sides, so a
/// steady stream of jobs neither allocates nor sleeps; idle workers block after a short spin.
/// </summary>
/// <remarks>A job is split into <c>workers</c> independent parts; the caller runs part 0 and then any part
/// that no pool thread has claimed yet, so a descheduled worker on a busy machine never stalls the caller
/// (parts must therefore not wait for each other). A job submitted while the pool is busy (a nested call,
/// or another thread's job) runs inline on the caller as a single part.</remarks>
internal sealed class WorkerPool
{
    private const int IdleSpinIterations = 2000;

    private readonly object gate = new();
    private readonly int threadCount;
    private Thread[]? threads;
    private IWorkerJob? job;
    private int generation;
    private int pending;

    // The claim word: generation (high 32 bits) | worker count (bits 16–31) | next part (bits 0–15).
    // Workers claim parts with a compare-and-swap that checks the generation, so a worker that read the
    // job of an older generation can never claim (and run the wrong job on) a part of a newer one.
    private long claim;
    private int sleepers;
    private int busy;
    private ExceptionDispatchInfo? failure;
    private long[] workerAllocatedBytes = [];

    private WorkerPool(int threadCount) => this.threadCount = threadCount;

    /// <summary>The process-wide pool.</summary>
    public static WorkerPool Shared { get; } = new(Math.Max(0, Environment.ProcessorCount - 1));

    /// <summary>Most workers a job can get (pool threads plus the caller).</summary>
    public int Capacity => threadCount + 1;

    /// <summary>Bytes allocated so far by the pool's threads (as of their last finished job; for tests).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (var bytes in workerAllocatedBytes)
            {
                sum += Volatile.Read(in bytes);
            }

            return sum;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on up to <paramref name="workers"/> workers (the caller is worker 0) and
    /// returns when all have finished. Returns the number of workers that ran. Exceptions are rethrown here.
    /// </summary>
    public int Run(IWorkerJob work, int workers)
    {
        workers = Math.Min(workers, Capacity);
        if (workers <= 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            work.Execute(0, 1);
            return 1;
        }

        try
        {
            EnsureStarted();
            job = work;
            failure = null;
            var gen = generation + 1;
            Volatile.Write(ref pending, workers - 1);
            Volatile.Write(ref claim, ((long)gen << 32) | ((long)workers << 16) | 1); // part 0 is the caller's
            Interlocked.Exchange(ref generation, gen);
            if (Volatile.Read(ref sleepers) > 0)
            {
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            }

            try
            {
                work.Execute(0, workers);

                // Parts that no worker has claimed yet (a descheduled worker on a busy machine) run here.
                int part;
                while (TryClaim(gen, out part, out _))
                {
                    try
                    {
                        work.Execute(part, workers);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref pending);
                    }
                }
            }
            finally
            {
                var spinner = default(SpinWait);
                while (Volatile.Read(ref pending) != 0)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }

                job = null;
            }

            failure?.Throw();
            return workers;
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Claims the next unclaimed part of generation <paramref name="gen"/>'s job, if any.</summary>
    private bool TryClaim(int gen, out int part, out int workers)
    {
        while (true)
        {
            var v = Volatile.Read(ref claim);
            workers = (int)((v >> 16) & 0xFFFF);
            part = (int)(v & 0xFFFF);
            if ((int)(v >> 32) != gen || part >= workers)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref claim, v + 1, v) == v)
            {
                return true;
            }
        }
    }

    private void EnsureStarted()
    {
        if (threads is not null)
        {
            return;
        }

        workerAllocatedBytes = new long[threadCount + 1];
        var ts = new Thread[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            var index = i + 1;
            ts[i] = new Thread(() => WorkerLoop(index), maxStackSize: 1 << 20)
            {
                IsBackground = true,
                Name = $"Descent worker {index}",
            };
        }

        threads = ts;
        foreach (var t in ts)
        {
            t.Start();
        }
    }

    private void WorkerLoop(int index)
    {
        var seen = Volatile.Read(ref generation);
        while (true)
        {
            var spins = 0;
            while (Volatile.Read(ref generation) == seen)
            {
                if (spins < IdleSpinIterations)
                {
                    spins++;
                    if ((spins & 63) == 0)
                    {
                        Thread.Yield();
                    }
                    else
                    {
                        Thread.SpinWait(16);
                    }

                    continue;
                }

                lock (gate)
                {
                    Interlocked.Increment(ref sleepers);
                    while (Volatile.Read(ref generation) == seen)
                    {
                        Monitor.Wait(gate);
                    }

                    Interlocked.Decrement(ref sleepers);
                }
            }

            seen = Volatile.Read(ref generation);
            var work = job;
            int part;
            int workers;
            while (work is not null && TryClaim(seen, out part, out workers))
            {
                try
                {
                    work.Execute(part, workers);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null);
                }

                Volatile.Write(ref workerAllocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Decrement(ref pending);
            }
        }
    }
}
