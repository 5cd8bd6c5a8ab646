namespace Descent.Lab.Runs;

/// <summary>The outcome of one run: status, metrics and timing.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Message">Why it diverged or failed (optimizer, step), or null.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Seconds">Wall-clock seconds the run took.</param>
/// <param name="StepMetrics">Per-step metrics (Epoch null), in step order.</param>
/// <param name="EpochMetrics">Per-epoch metrics, in epoch order.</param>
public sealed record RunResult(
    RunStatus Status,
    string? Message,
    int Steps,
    double Seconds,
    IReadOnlyList<MetricPoint> StepMetrics,
    IReadOnlyList<MetricPoint> EpochMetrics);
