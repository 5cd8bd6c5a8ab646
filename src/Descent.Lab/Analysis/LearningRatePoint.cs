namespace Descent.Lab.Analysis;

/// <summary>One learning rate of an optimizer's sensitivity curve: the best configuration with that lr.</summary>
/// <param name="LearningRate">The learning rate.</param>
/// <param name="Configuration">Index of the best configuration at this lr.</param>
/// <param name="Mean">Its final metric mean (null when all diverged).</param>
/// <param name="Std">Its standard deviation.</param>
/// <param name="DivergenceRate">Its divergence rate.</param>
/// <param name="ReachedRate">Fraction of its runs that reached the target (null without a target).</param>
public sealed record LearningRatePoint(double LearningRate, int Configuration, double? Mean, double? Std, double DivergenceRate, double? ReachedRate);
