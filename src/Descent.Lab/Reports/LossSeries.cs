namespace Descent.Lab.Reports;

/// <summary>One line of a <see cref="LossChart"/>: a label and the loss at steps 0, 1, …</summary>
/// <param name="Label">Legend text (e.g. "Adam (lr=0.01)").</param>
/// <param name="Losses">The loss at every step; non-finite values (a diverged run) are not drawn.</param>
/// <param name="StopStep">The step at which the run stopped early (diverged), marked with a cross and noted
/// in the legend; null for a run that completed.</param>
public sealed record LossSeries(string Label, IReadOnlyList<float> Losses, int? StopStep = null);
