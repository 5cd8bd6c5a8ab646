namespace Descent.Numerics;

/// <summary>A thread count for one kind of work that follows <see cref="Threads.Max"/> until set (the override of
/// <see cref="Gemm.MaxWorkers"/> and <see cref="ParallelRange.MaxWorkers"/>).</summary>
internal sealed class ThreadOverride
{
    private int value;

    public int Value
    {
        get => value > 0 ? value : Threads.Max;
        set => this.value = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxWorkers must be at least 1");
    }

    /// <summary>Follows <see cref="Threads.Max"/> again.</summary>
    public void Clear() => value = 0;
}
