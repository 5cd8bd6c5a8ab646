using System.Numerics;

namespace Descent.Distributed;

/// <summary>The job of one process (rank 0 of 1): every collective leaves the data as it is (a reduction over one rank
/// is the identity), so data-parallel code runs unchanged, and bit for bit as plain training, without MPI.</summary>
public sealed class SingleProcessCommunicator : Communicator
{
    private SingleProcessCommunicator()
    {
    }

    /// <summary>The one instance.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    /// <inheritdoc />
    public override int Rank => 0;

    /// <inheritdoc />
    public override int Size => 1;

    /// <inheritdoc />
    public override string Description => "single process";

    /// <inheritdoc />
    public override void AllReduce<T>(Span<T> data, ReductionOperation operation = ReductionOperation.Sum)
    {
    }

    /// <inheritdoc />
    public override void StartAllReduce(Memory<float> data)
    {
    }

    /// <inheritdoc />
    public override void WaitAll()
    {
    }

    /// <inheritdoc />
    public override void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        CheckScatterLayout(send.Length, receive.Length);
        send.CopyTo(receive);
    }

    /// <inheritdoc />
    public override void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive)
    {
        if (receive.Length != send.Length)
        {
            throw new ArgumentException($"all-gather over 1 rank receives {send.Length} elements, got room for {receive.Length}");
        }

        send.CopyTo(receive);
    }

    /// <inheritdoc />
    public override void AllGatherInPlace<T>(Span<T> data, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements) =>
        CheckGatherLayout(data.Length, counts, displacements);

    /// <inheritdoc />
    public override void Broadcast<T>(Span<T> data, int root = 0) => ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);

    /// <inheritdoc />
    public override void Barrier()
    {
    }
}
