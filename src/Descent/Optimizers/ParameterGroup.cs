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

    /// <summary>The learning rate at construction (PyTorch: <c>initial_lr</c>), the base of schedules.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The group's hyperparameters.</summary>
    public abstract OptimizerOptions BaseOptions { get; }
}
