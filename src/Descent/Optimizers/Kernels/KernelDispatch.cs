using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>Chooses between the reference and SIMD kernels and splits large SIMD sweeps across cores.</summary>
internal static class KernelDispatch
{
    /// <summary>Minimum elements per worker before a sweep is split across cores.</summary>
    public const int ParallelGrain = 1 << 16;

    /// <summary>Whether <paramref name="path"/> runs the SIMD kernel on this machine.</summary>
    public static bool UseSimd(KernelPath path) => path switch
    {
        KernelPath.Reference => false,
        KernelPath.Simd => true,
        _ => Vector128.IsHardwareAccelerated,
    };

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="length"/>): the reference path on the
    /// calling thread, the SIMD path through <see cref="ParallelRange"/> (inline for small lengths).</summary>
    public static void Run<TJob>(TJob job, int length, bool simd)
        where TJob : class, IRangeJob
    {
        if (!simd || length < 2 * ParallelGrain)
        {
            job.Execute(0, length);
        }
        else
        {
            ParallelRange.For(length, ParallelGrain, job);
        }
    }
}
