namespace Descent.Training;

/// <summary>How a <see cref="Trainer"/> runs.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data (≥ 1; default 10).</summary>
    public int Epochs
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Epochs must be ≥ 1");
    } = 10;

    /// <summary>Stop when the validation loss has not improved for this many epochs (null: never stop early).</summary>
    public int? EarlyStoppingPatience
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), value, "EarlyStoppingPatience must be ≥ 1 or null");
    }

    /// <summary>Folder for <c>last.safetensors</c> (after every epoch) and <c>best.safetensors</c> (best validation
    /// loss); null writes no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from <c>last.safetensors</c> in <see cref="CheckpointDirectory"/> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Batch size used for evaluation (default 256).</summary>
    public int EvaluationBatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EvaluationBatchSize), value, "must be ≥ 1");
    } = 256;
}
