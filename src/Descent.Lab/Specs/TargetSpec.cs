namespace Descent.Lab.Specs;

/// <summary>
/// The target a run must reach (<c>$.target</c>): the first step and time at which <see cref="Metric"/>
/// reaches <see cref="Value"/> are the run's "time to target".
/// </summary>
/// <param name="Metric">A metric name the task reports (<c>loss</c>, <c>val_accuracy</c>, …).</param>
/// <param name="Value">The threshold.</param>
/// <param name="Goal">Direction: <see cref="MetricGoal.Minimize"/> (reach ≤ value) or
/// <see cref="MetricGoal.Maximize"/> (reach ≥ value).</param>
public sealed record TargetSpec(string Metric, double Value, MetricGoal Goal);
