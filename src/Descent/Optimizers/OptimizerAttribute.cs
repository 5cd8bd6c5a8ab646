namespace Descent.Optimizers;

/// <summary>
/// Declares an optimizer to <see cref="OptimizerRegistry"/>, which finds every class of this assembly that
/// carries it: the CLI/spec name, a one-line summary, and (for PyTorch 2.x's <c>Adam(decoupled_weight_decay=True)</c>)
/// the variant built instead when the flag <c>decoupled_weight_decay</c> is 1. Its hyperparameters are the
/// options properties marked with <see cref="HyperparameterAttribute"/>. Adding an optimizer is therefore one
/// folder and no edit of a central list.
/// </summary>
/// <param name="name">The CLI/spec name, lower-case (e.g. <c>adamw</c>).</param>
/// <param name="summary">One line: what it is and what it is equivalent to.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class OptimizerAttribute(string name, string summary) : Attribute
{
    /// <summary>The CLI/spec name.</summary>
    public string Name { get; } = name;

    /// <summary>The one-line summary.</summary>
    public string Summary { get; } = summary;

    /// <summary>The optimizer built instead when <c>decoupled_weight_decay</c> is 1 (its options take the values
    /// given and, for the rest, this optimizer's defaults); null when the flag is not accepted this way.</summary>
    public Type? DecoupledVariant { get; init; }

    /// <summary>The name of a public static method of the class, <c>(IEnumerable&lt;Parameter&gt;, TOptions) → Optimizer</c>,
    /// that builds the optimizer by name instead of the constructor (e.g. <see cref="Muon.Create"/>, which gives the
    /// parameters Muon cannot take to AdamW); null for the constructor.</summary>
    public string? Factory { get; init; }

    /// <summary>The name of a public static method of the class, <c>(IEnumerable&lt;(string Name, Parameter Parameter)&gt;, TOptions) →
    /// Optimizer</c>, used instead of <see cref="Factory"/> when the caller knows the parameters' names
    /// (<see cref="OptimizerRegistry.CreateNamed"/>;
    /// e.g. <see cref="Muon.CreateNamed"/>); null when names change nothing.</summary>
    public string? NamedFactory { get; init; }
}
