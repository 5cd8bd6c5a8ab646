namespace Descent.Text.Classification;

/// <summary>The outcome of <c>TextClassifierFineTuner.Run</c>.</summary>
public sealed record FineTuneResult
{
    /// <summary>The options used.</summary>
    public required TextFineTuneOptions Options { get; init; }

    /// <summary>Encoder learning rate used.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Head learning rate used.</summary>
    public required double HeadLearningRate { get; init; }

    /// <summary>Training texts.</summary>
    public required int TrainCount { get; init; }

    /// <summary>Held-out texts.</summary>
    public required int TestCount { get; init; }

    /// <summary>Real training tokens (one epoch).</summary>
    public required long TrainTokens { get; init; }

    /// <summary>Parameters that train.</summary>
    public required long TrainableParameters { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public required int Steps { get; init; }

    /// <summary>The optimizer's state at the end of training, in bytes (<see cref="Descent.Optimizers.Optimizer.StateBytes"/>).</summary>
    public long OptimizerStateBytes { get; init; }

    /// <summary>Seconds spent computing the frozen encoder's pooled-feature cache (head mode, and top-k/full with standardized features or a probe; else 0).</summary>
    public required double CacheSeconds { get; init; }

    /// <summary>The probe stage of an LP-FT run (<see cref="HeadInit.Probe"/>): head mode on the frozen cache; null otherwise.</summary>
    public FineTuneResult? Probe { get; init; }

    /// <summary>Per-epoch metrics.</summary>
    public required IReadOnlyList<FineTuneEpoch> Epochs { get; init; }

    /// <summary>The last epoch.</summary>
    public FineTuneEpoch Final => Epochs[^1];
}
