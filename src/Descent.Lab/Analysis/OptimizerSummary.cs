namespace Descent.Lab.Analysis;

/// <summary>The results of one optimizer entry across its grid.</summary>
/// <param name="Label">The entry's label.</param>
/// <param name="Optimizer">The optimizer's CLI name.</param>
/// <param name="BestConfiguration">Index of its best configuration (fewest divergences, then best final mean,
/// then lowest index).</param>
/// <param name="BestDescription">That configuration's hyperparameters as text.</param>
/// <param name="BestLearningRate">That configuration's lr (null when lr is left at the default).</param>
/// <param name="Sensitivity">Final metric per learning rate, ascending lr.</param>
/// <param name="Spread">Max − min of the final means over learning rates that did not always diverge.</param>
/// <param name="RobustLrRange">Lowest and highest lr whose runs all reached the target (null if none, or no target).</param>
public sealed record OptimizerSummary(
    string Label,
    string Optimizer,
    int BestConfiguration,
    string BestDescription,
    double? BestLearningRate,
    IReadOnlyList<LearningRatePoint> Sensitivity,
    double? Spread,
    IReadOnlyList<double>? RobustLrRange);
