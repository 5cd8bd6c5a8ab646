namespace Descent.Lab.Runs;

/// <summary>One recorded value of one metric.</summary>
/// <param name="Name">Metric name (<c>loss</c>, <c>val_accuracy</c>, <c>x</c>, <c>y</c>, …).</param>
/// <param name="Step">Optimizer steps done when the value was measured (0 = before training).</param>
/// <param name="Epoch">Epochs done, for per-epoch metrics; null for per-step metrics.</param>
/// <param name="Value">The value.</param>
/// <param name="Seconds">Wall-clock seconds since the run started (not deterministic).</param>
public sealed record MetricPoint(string Name, int Step, int? Epoch, double Value, double Seconds);
