using System.Numerics;

namespace Descent.Distributed;

/// <summary>
/// The collective operations data-parallel training needs, over the processes ("ranks") of one job: all-reduce (blocking,
/// and started without waiting so that it overlaps the backward pass), reduce-scatter, all-gather, broadcast and barrier.
/// <see cref="MpiCommunicator"/> runs them over MPI; <see cref="SingleProcessCommunicator"/> is the one-process job (every
/// collective is the identity), so code written for N ranks runs unchanged without <c>mpirun</c>.
/// <see cref="FromEnvironment"/> picks the right one.
/// </summary>
/// <remarks>Every rank must call the same collectives in the same order with the same element counts (MPI's rule).
/// Element types: <see cref="float"/>, <see cref="double"/> and <see cref="int"/>.</remarks>
public abstract class Communicator
{
    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>True on rank 0 (the one that writes outputs).</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>What runs the collectives, for reports (e.g. "MPI (MPICH 4.0.2), 2 ranks").</summary>
    public abstract string Description { get; }

    /// <summary>The communicator of the current process: <see cref="MpiCommunicator.World"/> when the process was started
    /// by an MPI launcher (<c>mpirun</c>/<c>mpiexec</c>: <see cref="MpiCommunicator.IsLaunchedByMpi"/>), otherwise
    /// <see cref="SingleProcessCommunicator.Instance"/>.</summary>
    public static Communicator FromEnvironment() =>
        MpiCommunicator.IsLaunchedByMpi() ? MpiCommunicator.World : SingleProcessCommunicator.Instance;

    /// <summary>Replaces every element of <paramref name="data"/> with the reduction of that element over all ranks.</summary>
    public abstract void AllReduce<T>(Span<T> data, ReductionOperation operation = ReductionOperation.Sum)
        where T : unmanaged, INumber<T>;

    /// <summary>Starts summing <paramref name="data"/> over all ranks in place and returns at once; the result is there
    /// after <see cref="WaitAll"/>. The memory must not be touched until then.</summary>
    public abstract void StartAllReduce(Memory<float> data);

    /// <summary>Waits for every reduction started by <see cref="StartAllReduce"/>.</summary>
    public abstract void WaitAll();

    /// <summary>Sums <paramref name="send"/> (<see cref="Size"/> blocks of <paramref name="receive"/>'s length) over all
    /// ranks and leaves block <see cref="Rank"/> of the sum in <paramref name="receive"/> (MPI_Reduce_scatter_block).</summary>
    public abstract void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive)
        where T : unmanaged, INumber<T>;

    /// <summary>Concatenates every rank's <paramref name="send"/> (all of the same length) in rank order into
    /// <paramref name="receive"/> (MPI_Allgather).</summary>
    public abstract void AllGather<T>(ReadOnlySpan<T> send, Span<T> receive)
        where T : unmanaged, INumber<T>;

    /// <summary>In place: rank r's elements [<paramref name="displacements"/>[r], + <paramref name="counts"/>[r]) of
    /// <paramref name="data"/> are copied to every rank (MPI_Allgatherv with MPI_IN_PLACE).</summary>
    public abstract void AllGatherInPlace<T>(Span<T> data, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
        where T : unmanaged, INumber<T>;

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> to every rank.</summary>
    public abstract void Broadcast<T>(Span<T> data, int root = 0)
        where T : unmanaged, INumber<T>;

    /// <summary>Returns when every rank has called it.</summary>
    public abstract void Barrier();

    /// <summary>Checks the arguments of <see cref="AllGatherInPlace{T}"/> against <see cref="Size"/> and the data.</summary>
    protected void CheckGatherLayout(int length, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
    {
        if (counts.Length != Size || displacements.Length != Size)
        {
            throw new ArgumentException(
                $"all-gather needs one count and one displacement per rank ({Size}), got {counts.Length} and {displacements.Length}");
        }

        for (var r = 0; r < Size; r++)
        {
            if (counts[r] < 0 || displacements[r] < 0 || (long)displacements[r] + counts[r] > length)
            {
                throw new ArgumentOutOfRangeException(nameof(counts),
                    $"rank {r}'s block [{displacements[r]}, +{counts[r]}) is outside the buffer of {length} elements");
            }
        }
    }

    /// <summary>Checks the arguments of <see cref="ReduceScatterBlock{T}"/>.</summary>
    protected void CheckScatterLayout(int send, int receive)
    {
        if ((long)receive * Size != send)
        {
            throw new ArgumentException(
                $"reduce-scatter needs {Size} blocks of {receive} elements ({(long)receive * Size}) to send, got {send}");
        }
    }
}
