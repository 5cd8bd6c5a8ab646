namespace Descent.Numerics;

/// <summary>A reusable barrier for the few workers of one <see cref="WorkerPool"/> job: spins briefly,
/// then yields. Allocation-free.</summary>
internal sealed class SpinBarrier
{
    private int arrived;
    private int generation;

    /// <summary>Blocks until <paramref name="participants"/> workers have called this method.</summary>
    public void SignalAndWait(int participants)
    {
        if (participants <= 1)
        {
            return;
        }

        var gen = Volatile.Read(ref generation);
        if (Interlocked.Increment(ref arrived) == participants)
        {
            Volatile.Write(ref arrived, 0);
            Interlocked.Increment(ref generation);
            return;
        }

        var spinner = default(SpinWait);
        while (Volatile.Read(ref generation) == gen)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
