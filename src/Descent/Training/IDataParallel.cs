namespace Descent.Training;

/// <summary>
/// A callback that makes a <see cref="Learner"/> one of several data-parallel processes (e.g.
/// <c>Descent.Distributed.DataParallel</c> over MPI): given one to <see cref="Trainer.Callbacks"/>, the trainer trains on
/// its shard of every batch (<see cref="DataLoader.Shard"/>) and only the process of rank 0 writes checkpoints.
/// </summary>
public interface IDataParallel
{
    /// <summary>This process's rank (0-based).</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Ranks { get; }
}
