namespace Descent.Optimizers;

/// <summary>
/// The boundary name of an options property (PyTorch's argument name: <c>lr</c>, <c>beta1</c>, <c>eps</c>,
/// <c>weight_decay</c>, …), through which the registry, the CLI and lab specs set it; on a member of an enum
/// that an option takes, the member's name in specs (<c>pytorch</c>, <c>epsilon_hat</c>).
/// </summary>
/// <param name="name">The name (snake_case).</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = true)]
public sealed class HyperparameterAttribute(string name) : Attribute
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;

    /// <summary>The PyTorch tuple argument this is a component of (<c>betas</c> for <c>beta1</c>), or null.</summary>
    public string? Tuple { get; init; }
}
