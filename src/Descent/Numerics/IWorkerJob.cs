namespace Descent.Numerics;

/// <summary>A job that <see cref="WorkerPool"/> runs once on each participating worker.</summary>
internal interface IWorkerJob
{
    /// <summary>Runs the part of worker <paramref name="worker"/> of <paramref name="workers"/> (all run
    /// concurrently, so a job may synchronize its workers with a <see cref="SpinBarrier"/>).</summary>
    void Execute(int worker, int workers);
}
