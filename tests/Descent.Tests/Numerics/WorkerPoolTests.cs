using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class WorkerPoolTests
{
    /// <summary>Records which parts ran, so every job can be checked for exactly-once execution.</summary>
    private sealed class CountingJob : IWorkerJob
    {
        public readonly int[] Runs = new int[64];
        public int ExpectedWorkers;
        public int WrongWorkerCount;

        public void Execute(int worker, int workers)
        {
            if (workers != ExpectedWorkers)
            {
                Interlocked.Increment(ref WrongWorkerCount);
            }

            Interlocked.Increment(ref Runs[worker]);
        }

        public void Reset(int workers)
        {
            Array.Clear(Runs);
            ExpectedWorkers = workers;
            WrongWorkerCount = 0;
        }
    }

    [Fact]
    public void BackToBackJobsRunEveryPartExactlyOnceWithTheirOwnJob()
    {
        // Alternating job objects and worker counts: a worker that woke late for an earlier job must never
        // run a part of a later one with the earlier job object (the claim is tied to the generation).
        var jobs = new[] { new CountingJob(), new CountingJob() };
        var pool = WorkerPool.Shared;
        for (var i = 0; i < 20000; i++)
        {
            var job = jobs[i & 1];
            var workers = 2 + (i % Math.Max(1, pool.Capacity - 1));
            job.Reset(Math.Min(workers, pool.Capacity));
            var ran = pool.Run(job, workers);
            for (var p = 0; p < ran; p++)
            {
                Assert.Equal(1, job.Runs[p]);
            }

            for (var p = ran; p < job.Runs.Length; p++)
            {
                Assert.Equal(0, job.Runs[p]);
            }

            if (ran > 1)
            {
                Assert.Equal(0, job.WrongWorkerCount);
            }
        }
    }
}
