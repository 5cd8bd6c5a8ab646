namespace Descent.Numerics;

/// <summary>
/// Splits [0, length) into contiguous chunks and runs a job on them across the cores. Small ranges
/// (fewer than <c>minChunk</c> elements per worker) run inline on the calling thread.
/// </summary>
/// <remarks>Chunk boundaries are multiples of 64 elements, so SIMD kernels see aligned chunk starts relative to
/// the range start; the last chunk takes the remainder.</remarks>
public static class ParallelRange
{
    /// <summary>Number of workers used for large ranges (defaults to the processor count).</summary>
    public static int MaxWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="length"/>).</summary>
    public static void For<TJob>(int length, int minChunk, TJob job)
        where TJob : class, IRangeJob
    {
        ArgumentNullException.ThrowIfNull(job);
        var workers = Math.Min(MaxWorkers, Math.Max(1, length / Math.Max(1, minChunk)));
        if (workers <= 1)
        {
            job.Execute(0, length);
            return;
        }

        var chunk = ((length / workers) + 63) & ~63;
        Parallel.For(0, workers, w =>
        {
            var start = w * chunk;
            var end = Math.Min(length, start + chunk);
            if (start < end)
            {
                job.Execute(start, end);
            }
        });
    }
}
