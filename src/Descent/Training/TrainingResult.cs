namespace Descent.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
public sealed record TrainingResult
{
    /// <summary>Metrics of every completed epoch, including those restored from a resumed checkpoint.</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }

    /// <summary>The epoch (1-based) with the lowest validation loss, or the last epoch without validation; 0 if none.</summary>
    public int BestEpoch { get; init; }

    /// <summary>True when early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>When the loss or the parameters became NaN or infinite: what happened, where, and which
    /// checkpoint is the last good one; otherwise null.</summary>
    public string? DivergenceMessage { get; init; }

    /// <summary>The epoch training resumed after (0 for a fresh run).</summary>
    public int ResumedFromEpoch { get; init; }

    /// <summary>Optimizer steps taken in this call.</summary>
    public long Steps { get; init; }

    /// <summary>Path of the last checkpoint, or null.</summary>
    public string? LastCheckpoint { get; init; }

    /// <summary>Path of the best checkpoint, or null.</summary>
    public string? BestCheckpoint { get; init; }
}
