using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// One optimizer known to <see cref="OptimizerRegistry"/>: its CLI name, a one-line summary, the
/// hyperparameter names it accepts (PyTorch's names) and a factory.
/// </summary>
public sealed class OptimizerDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">The CLI name, lower-case (e.g. <c>adamw</c>).</param>
    /// <param name="summary">One line: what it is and what it is equivalent to.</param>
    /// <param name="hyperparameters">Accepted hyperparameter names (e.g. <c>lr</c>, <c>beta1</c>, <c>weight_decay</c>).</param>
    /// <param name="factory">Builds the optimizer; reads values from <see cref="Hyperparameters"/> with defaults.</param>
    public OptimizerDescriptor(
        string name, string summary, IReadOnlyList<string> hyperparameters,
        Func<IEnumerable<Parameter>, Hyperparameters, Optimizer> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(factory);
        if (name != name.ToLowerInvariant())
        {
            throw new ArgumentException($"optimizer names are lower-case, got '{name}'", nameof(name));
        }

        Name = name;
        Summary = summary;
        HyperparameterNames = [.. hyperparameters];
        Factory = factory;
    }

    /// <summary>The CLI name (lower-case).</summary>
    public string Name { get; }

    /// <summary>One line: what it is and its reference.</summary>
    public string Summary { get; }

    /// <summary>The accepted hyperparameter names.</summary>
    public IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>The factory.</summary>
    public Func<IEnumerable<Parameter>, Hyperparameters, Optimizer> Factory { get; }
}
