using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class ParallelRangeTests
{
    [Fact]
    public void VisitsEveryIndexExactlyOnceForOddSizes()
    {
        var job = new CountingJob(5000);
        for (var length = 0; length <= 300; length++)
        {
            foreach (var minChunk in new[] { 1, 7, 64, 1000 })
            {
                job.Reset(length);
                ParallelRange.For(length, minChunk, job);
                job.AssertEachOnce(length);
            }
        }

        foreach (var length in new[] { 1023, 1024, 1025, 4097, 4999 })
        {
            job.Reset(length);
            ParallelRange.For(length, 1, job);
            job.AssertEachOnce(length);
        }
    }

    [Fact]
    public void ChunksStartOnMultiplesOf64()
    {
        var job = new StartsJob();
        ParallelRange.For(1000, 1, job);
        Assert.All(job.Starts, s => Assert.Equal(0, s % 64));
    }

    [Fact]
    public void NestedAndConcurrentCallsComplete()
    {
        var inner = new CountingJob(512);
        var outer = new NestedJob(inner);
        ParallelRange.For(256, 1, outer);
        Assert.Equal(256, outer.Calls);

        var total = 0L;
        Parallel.For(0, 6, _ =>
        {
            var job = new SumJob();
            for (var rep = 0; rep < 50; rep++)
            {
                ParallelRange.For(10_000, 100, job);
            }

            Interlocked.Add(ref total, job.Sum);
        });
        Assert.Equal(6L * 50 * (10_000L * 9_999 / 2), total);
    }

    [Fact]
    public void ExceptionsReachTheCaller()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ParallelRange.For(10_000, 1, new ThrowingJob()));
        Assert.Equal("boom", ex.Message);
        var job = new CountingJob(10_000);
        job.Reset(10_000);
        ParallelRange.For(10_000, 1, job);
        job.AssertEachOnce(10_000);
    }

    private sealed class CountingJob(int capacity) : IRangeJob
    {
        private readonly int[] counts = new int[capacity];

        public void Reset(int length) => Array.Clear(counts, 0, length);

        public void Execute(int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                Interlocked.Increment(ref counts[i]);
            }
        }

        public void AssertEachOnce(int length)
        {
            for (var i = 0; i < length; i++)
            {
                Assert.True(counts[i] == 1, $"length {length}: index {i} visited {counts[i]} times");
            }
        }
    }

    private sealed class StartsJob : IRangeJob
    {
        public System.Collections.Concurrent.ConcurrentBag<int> Starts { get; } = [];

        public void Execute(int start, int end) => Starts.Add(start);
    }

    private sealed class SumJob : IRangeJob
    {
        private long sum;

        public long Sum => sum;

        public void Execute(int start, int end)
        {
            long s = 0;
            for (var i = start; i < end; i++)
            {
                s += i;
            }

            Interlocked.Add(ref sum, s);
        }
    }

    private sealed class NestedJob(CountingJob inner) : IRangeJob
    {
        private int calls;

        public int Calls => calls;

        public void Execute(int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                Interlocked.Increment(ref calls);
                ParallelRange.For(10, 1, new SumJob());
            }

            _ = inner;
        }
    }

    private sealed class ThrowingJob : IRangeJob
    {
        public void Execute(int start, int end) => throw new InvalidOperationException("boom");
    }
}
