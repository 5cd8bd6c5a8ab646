using Descent.Training;

namespace Descent.Experiments.Tabular;

/// <summary>The training and validation sets of one run of a <c>csv</c> or <c>idx</c> task (for its seed), standardized
/// when the task says so.</summary>
/// <param name="Train">The training samples (for regression their labels are all 0).</param>
/// <param name="TrainTargets">The regression targets of <paramref name="Train"/>'s samples; null for classification.</param>
/// <param name="Validation">The validation samples.</param>
/// <param name="ValidationTargets">The regression targets of <paramref name="Validation"/>'s samples; null for classification.</param>
public sealed record TabularSplit(Dataset Train, float[]? TrainTargets, Dataset Validation, float[]? ValidationTargets);
