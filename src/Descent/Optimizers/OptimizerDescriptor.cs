using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// One optimizer known to <see cref="OptimizerRegistry"/>: its CLI name, a one-line summary, the
/// hyperparameters it accepts (PyTorch's names, kinds, defaults) and a factory. Built-in optimizers get theirs
/// from their own declaration (<see cref="OptimizerAttribute"/>, <see cref="HyperparameterAttribute"/>).
/// </summary>
public sealed class OptimizerDescriptor
{
    /// <summary>Creates a descriptor whose hyperparameters are all numbers or flags given by name.</summary>
    /// <param name="name">The CLI name, lower-case (e.g. <c>adamw</c>).</param>
    /// <param name="summary">One line: what it is and what it is equivalent to.</param>
    /// <param name="hyperparameters">Accepted hyperparameter names (e.g. <c>lr</c>, <c>beta1</c>, <c>weight_decay</c>).</param>
    /// <param name="factory">Builds the optimizer; reads values from <see cref="Hyperparameters"/> with defaults.</param>
    public OptimizerDescriptor(
        string name, string summary, IReadOnlyList<string> hyperparameters,
        Func<IEnumerable<Parameter>, Hyperparameters, Optimizer> factory)
        : this(name, summary,
            (hyperparameters ?? throw new ArgumentNullException(nameof(hyperparameters)))
                .Select(h => new HyperparameterInfo(h, HyperparameterKind.Number, string.Empty, [], null)).ToList(),
            factory)
    {
    }

    /// <summary>Creates a descriptor with typed hyperparameters.</summary>
    /// <param name="name">The CLI name, lower-case (e.g. <c>adamw</c>).</param>
    /// <param name="summary">One line: what it is and what it is equivalent to.</param>
    /// <param name="hyperparameters">The accepted hyperparameters.</param>
    /// <param name="factory">Builds the optimizer; reads values from <see cref="Hyperparameters"/> with defaults.</param>
    public OptimizerDescriptor(
        string name, string summary, IReadOnlyList<HyperparameterInfo> hyperparameters,
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
        Hyperparameters = [.. hyperparameters];
        HyperparameterNames = [.. Hyperparameters.Where(h => h.Kind != HyperparameterKind.Choice).Select(h => h.Name)];
        Factory = factory;
    }

    /// <summary>The CLI name (lower-case).</summary>
    public string Name { get; }

    /// <summary>One line: what it is and its reference.</summary>
    public string Summary { get; }

    /// <summary>The accepted hyperparameters, numbers and flags first-declared-first, and choices.</summary>
    public IReadOnlyList<HyperparameterInfo> Hyperparameters { get; }

    /// <summary>The names of the accepted numeric hyperparameters (numbers, integers and flags).</summary>
    public IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>The factory.</summary>
    public Func<IEnumerable<Parameter>, Hyperparameters, Optimizer> Factory { get; }

    /// <summary>The factory for callers that know the parameters' state_dict names, for an optimizer that routes
    /// parameters by name (<c>muon</c>: embeddings and heads to AdamW); null when names change nothing, and
    /// <see cref="Factory"/> is used.</summary>
    public Func<IReadOnlyList<(string Name, Parameter Parameter)>, Hyperparameters, Optimizer>? NamedFactory { get; init; }
}
