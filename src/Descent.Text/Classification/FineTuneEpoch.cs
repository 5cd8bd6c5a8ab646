namespace Descent.Text.Classification;

/// <summary>
/// One epoch of <see cref="TextClassifierFineTuner"/>: mean training loss, held-out metrics (spam = class 1 is the
/// positive class), training time and throughput, and memory.
/// </summary>
public sealed record FineTuneEpoch
{
    /// <summary>1-based epoch.</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean cross-entropy over the epoch's training batches.</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Held-out accuracy.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Held-out precision of class 1.</summary>
    public required double Precision { get; init; }

    /// <summary>Held-out recall of class 1.</summary>
    public required double Recall { get; init; }

    /// <summary>Held-out F1 of class 1.</summary>
    public required double F1 { get; init; }

    /// <summary>Seconds of training in this epoch (forward, backward, optimizer; evaluation excluded).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Seconds of the held-out evaluation after this epoch.</summary>
    public required double EvalSeconds { get; init; }

    /// <summary>Training texts per second.</summary>
    public required double TextsPerSecond { get; init; }

    /// <summary>Real (non-padding) training tokens per second.</summary>
    public required double TokensPerSecond { get; init; }

    /// <summary>
    /// Achieved GEMM GFLOP/s of the training step: the analytic GEMM FLOPs of forward and backward over the padded
    /// batches (<see cref="EncoderFlops"/>) divided by <see cref="TrainSeconds"/>. In head mode, the embedding cache's
    /// forward FLOPs over its time (the head's own FLOPs are negligible).
    /// </summary>
    public required double GflopsPerSecond { get; init; }

    /// <summary>The process's peak working set so far (bytes; Linux VmHWM, else the current peak estimate): since the process
    /// started or its peak was last reset (the MiniLM spam experiment resets it before every run, after the shared cache).</summary>
    public required long PeakWorkingSetBytes { get; init; }

    /// <summary>Managed heap size after the epoch (bytes).</summary>
    public required long GcHeapBytes { get; init; }
}
