namespace Descent.Optimizers.Kernels;

/// <summary>How a <see cref="KernelPath"/> maps to an implementation: the scalar reference loop, the
/// vectorized loop on the calling thread, or the vectorized loop split across cores (Auto, large buffers).</summary>
internal static class KernelPolicy
{
    /// <summary>Buffers at least this long run multi-threaded under <see cref="KernelPath.Auto"/>.</summary>
    public const int ParallelThreshold = 1 << 16;

    /// <summary>Smallest chunk handed to one worker.</summary>
    public const int MinChunk = 1 << 15;

    /// <summary>True unless the scalar reference path was asked for.</summary>
    public static bool UseSimd(KernelPath path) => path != KernelPath.Reference;

    /// <summary>True when the update should be split across cores.</summary>
    public static bool UseParallel(KernelPath path, int length) =>
        path == KernelPath.Auto && length >= ParallelThreshold && Numerics.ParallelRange.MaxWorkers > 1;
}
