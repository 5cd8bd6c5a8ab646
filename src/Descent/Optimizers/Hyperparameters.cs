using System.Globalization;

namespace Descent.Optimizers;

/// <summary>
/// Named hyperparameter values, in PyTorch's names (<c>lr</c>, <c>momentum</c>, <c>weight_decay</c>, …), as
/// given to <see cref="OptimizerRegistry.Create"/>. Numbers are doubles; flags are 0 or 1; a tuple argument
/// such as PyTorch's <c>betas</c> is given by component (<c>beta1</c>, <c>beta2</c>; see
/// <see cref="OptimizerRegistry.TupleComponentName"/>). Factories read values with defaults; the registry has
/// already rejected names the optimizer does not declare.
/// </summary>
public sealed class Hyperparameters
{
    private readonly IReadOnlyDictionary<string, double> values;
    private readonly IReadOnlyDictionary<string, string> choices;
    private readonly IReadOnlySet<string> declared;
    private readonly string optimizer;

    internal Hyperparameters(string optimizer, IReadOnlyDictionary<string, double> values, IReadOnlySet<string> declared,
        IReadOnlyDictionary<string, string>? choices = null)
    {
        this.optimizer = optimizer;
        this.values = values;
        this.declared = declared;
        this.choices = choices ?? new Dictionary<string, string>();
    }

    /// <summary>Whether <paramref name="name"/> was given (as a number or as a choice).</summary>
    public bool Contains(string name) => values.ContainsKey(Declared(name)) || choices.ContainsKey(name);

    /// <summary>The choice given for <paramref name="name"/> (e.g. <c>eps_convention</c>: <c>epsilon_hat</c>), or null.</summary>
    public string? Choice(string name) => choices.GetValueOrDefault(Declared(name));

    /// <summary>The number given for <paramref name="name"/>, or <paramref name="defaultValue"/>.</summary>
    public double Number(string name, double defaultValue) =>
        values.TryGetValue(Declared(name), out var v) ? v : defaultValue;

    /// <summary>The flag given for <paramref name="name"/> (0 = false, 1 = true), or <paramref name="defaultValue"/>.</summary>
    public bool Flag(string name, bool defaultValue)
    {
        if (!values.TryGetValue(Declared(name), out var v))
        {
            return defaultValue;
        }

        return v switch
        {
            0 => false,
            1 => true,
            _ => throw new ArgumentOutOfRangeException(name, v,
                $"{optimizer}: hyperparameter '{name}' is a flag and must be 0 or 1 (false or true), got {v.ToString("R", CultureInfo.InvariantCulture)}"),
        };
    }

    /// <summary>The integer given for <paramref name="name"/>, or <paramref name="defaultValue"/>.</summary>
    public int Integer(string name, int defaultValue)
    {
        if (!values.TryGetValue(Declared(name), out var v))
        {
            return defaultValue;
        }

        if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, v,
                $"{optimizer}: hyperparameter '{name}' must be an integer, got {v.ToString("R", CultureInfo.InvariantCulture)}");
        }

        return (int)v;
    }

    private string Declared(string name) => declared.Contains(name)
        ? name
        : throw new InvalidOperationException(
            $"the factory of '{optimizer}' reads hyperparameter '{name}', which its registration does not declare");
}
