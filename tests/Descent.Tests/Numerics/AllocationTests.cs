using Descent.Numerics;

namespace Descent.Tests.Numerics;

/// <summary>Runs alone, so that no other test's job runs on the pool's threads meanwhile. Allocations are
/// counted on the calling thread and on the pool's threads (the test runner's own threads are not counted).</summary>
[CollectionDefinition(nameof(NumericsAllocationCollection), DisableParallelization = true)]
public sealed class NumericsAllocationCollection;

[Collection(nameof(NumericsAllocationCollection))]
public class AllocationTests
{
    [Fact]
    public void ParallelRangeIsAllocationFreeInSteadyState()
    {
        var job = new TouchJob(100_003);
        for (var i = 0; i < 200; i++)
        {
            ParallelRange.For(job.Length, 64, job);
        }

        var before = Allocated();
        for (var i = 0; i < 5000; i++)
        {
            ParallelRange.For(job.Length, 64, job);
        }

        var allocated = Allocated() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void GemmIsAllocationFreeInSteadyState()
    {
        var a = new float[300 * 200];
        var b = new float[200 * 100];
        var c = new float[300 * 100];
        var small = new float[256 * 16];
        var x = new float[256 * 2];
        var w = new float[16 * 2];
        for (var i = 0; i < 5; i++)
        {
            Gemm.Multiply(false, true, 300, 100, 200, 1f, a, 200, b, 200, 0f, c, 100);
            Gemm.Multiply(false, true, 256, 16, 2, 1f, x, 2, w, 2, 0f, small, 16);
        }

        var before = Allocated();
        for (var i = 0; i < 200; i++)
        {
            Gemm.Multiply(false, true, 300, 100, 200, 1f, a, 200, b, 200, 0f, c, 100);
            Gemm.Multiply(true, false, 200, 100, 300, 1f, a, 200, c, 100, 0f, b, 100);
            Gemm.Multiply(false, true, 256, 16, 2, 1f, x, 2, w, 2, 0f, small, 16);
        }

        var allocated = Allocated() - before;
        Assert.Equal(0, allocated);
    }

    private static long Allocated() => GC.GetAllocatedBytesForCurrentThread() + WorkerPool.Shared.WorkerAllocatedBytes;

    private sealed class TouchJob(int length) : IRangeJob
    {
        private readonly float[] data = new float[length];

        public int Length => data.Length;

        public void Execute(int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                data[i] += 1f;
            }
        }
    }
}
