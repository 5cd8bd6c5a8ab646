using Descent.Distributed;
using Descent.Lab.Store;

namespace Descent.Cli.Mpi;

/// <summary>
/// The early-stopping rungs as every rank of a data-parallel run sees them: rank 0 records the value in
/// <paramref name="root"/> (the relay to the parent's run store) and broadcasts what other runs recorded there, so that
/// every rank takes the same decision at the same step (ranks call it together: the metric values are the same on all).
/// </summary>
/// <param name="communicator">The run's ranks.</param>
/// <param name="root">Where rank 0 records rungs; ignored on the other ranks.</param>
internal sealed class SharedRungs(Communicator communicator, IRungStore? root) : IRungStore
{
    private readonly int[] count = new int[1];

    /// <inheritdoc />
    public IReadOnlyList<double> RecordRung(string runKey, int rung, double value)
    {
        double[] values = communicator.IsRoot
            ? [.. (root ?? throw new InvalidOperationException("rank 0 needs a rung store")).RecordRung(runKey, rung, value)]
            : [];
        count[0] = values.Length;
        communicator.Broadcast<int>(count);
        if (!communicator.IsRoot)
        {
            values = new double[count[0]];
        }

        communicator.Broadcast<double>(values);
        return values;
    }
}
