namespace Descent.Numerics;

/// <summary>A job that <see cref="WorkerPool"/> runs once on each participating worker.</summary>
internal interface IWorkerJob
{
    /// <summary>Runs part <paramref name="worker"/> of <paramref name="workers"/>. Parts may run concurrently or
    /// one after another on the same thread, so they must be independent (never wait for each other).</summary>
    void Execute(int worker, int workers);
}
