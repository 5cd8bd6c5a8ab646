using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>One planned parameter group for fine-tuning (see <see cref="ParameterGroups"/>): its parameters by
/// name, the factor applied to the base learning rate, and whether weight decay is switched off.</summary>
/// <param name="Name">The group's label (e.g. <c>layer.3.no_decay</c>).</param>
/// <param name="Parameters">The parameters with their state_dict names.</param>
/// <param name="LearningRateScale">Multiplies the base learning rate (layer-wise decay).</param>
/// <param name="NoWeightDecay">Whether the group's weight decay is 0.</param>
public sealed record ParameterGroupPlan(
    string Name,
    IReadOnlyList<(string Name, Parameter Parameter)> Parameters,
    double LearningRateScale,
    bool NoWeightDecay);
