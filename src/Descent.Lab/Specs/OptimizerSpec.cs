namespace Descent.Lab.Specs;

/// <summary>
/// One entry of <c>$.optimizers</c>: an optimizer by its CLI name with hyperparameters in PyTorch's names.
/// Each hyperparameter holds one or more values; several values form a grid, and the entry expands to
/// the Cartesian product (in spec order, last hyperparameter fastest).
/// </summary>
/// <param name="Name">The optimizer's CLI name (<c>sgd</c>, <c>adam</c>, …).</param>
/// <param name="Label">Display label (the spec's <c>label</c>, or a derived one such as <c>sgd+momentum</c>).</param>
/// <param name="Hyperparameters">Hyperparameter grids, in spec order.</param>
/// <param name="Schedule">A schedule for this entry (overrides the experiment's), or null.</param>
public sealed record OptimizerSpec(
    string Name,
    string Label,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<HyperparameterValue>>> Hyperparameters,
    ScheduleSpec? Schedule);
