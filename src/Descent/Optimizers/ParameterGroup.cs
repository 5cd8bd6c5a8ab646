using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// A set of parameters that share hyperparameters (PyTorch: a param_group). Schedulers change
/// <see cref="LearningRate"/>; <see cref="InitialLearningRate"/> is the value the group started with.
/// </summary>
public abstract class ParameterGroup
{
    private protected ParameterGroup(IReadOnlyList<Parameter> parameters, double initialLearningRate, string? name)
    {
        Parameters = parameters;
        InitialLearningRate = initialLearningRate;
        Name = name;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>An optional label (e.g. "no_decay", "layer.3").</summary>
    public string? Name { get; }

    /// <summary>The learning rate used by the next step.</summary>
    public abstract double LearningRate { get; set; }

    /// <summary>The learning rate at construction (PyTorch: <c>initial_lr</c>), the base of schedules. A
    /// schedule that defines its own starting point (OneCycleLR: max_lr / div_factor) sets it.</summary>
    public double InitialLearningRate
    {
        get;
        set => field = Require.NonNegative(value, nameof(InitialLearningRate));
    }

    /// <summary>The group's hyperparameters, untyped. Setting it requires the optimizer's own options type
    /// (used by schedules that cycle momentum and by state loading).</summary>
    public abstract OptimizerOptions BaseOptions { get; set; }
}
