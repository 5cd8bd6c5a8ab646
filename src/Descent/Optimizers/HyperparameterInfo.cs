namespace Descent.Optimizers;

/// <summary>One hyperparameter an optimizer declares: its boundary name, kind, default (invariant text, empty
/// when there is none), the choices of a <see cref="HyperparameterKind.Choice"/>, and its PyTorch tuple (or null).</summary>
/// <param name="Name">The boundary name (<c>lr</c>, <c>beta1</c>, …).</param>
/// <param name="Kind">What values it takes.</param>
/// <param name="Default">The default as invariant text (empty when unset by default).</param>
/// <param name="Choices">The names of a choice's values; empty otherwise.</param>
/// <param name="Tuple">The PyTorch tuple argument it is a component of, or null.</param>
public sealed record HyperparameterInfo(string Name, HyperparameterKind Kind, string Default, IReadOnlyList<string> Choices, string? Tuple);
