using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Creates optimizers by name (<c>sgd</c>, <c>adam</c>, <c>adamw</c>, …) from hyperparameters in PyTorch's
/// names, for the CLI, the lab and data-driven tests. The built-in optimizers are found by their own declaration
/// (<see cref="OptimizerAttribute"/> on the class, <see cref="HyperparameterAttribute"/> on the options), so adding
/// one needs no edit here; others can be added with <see cref="Register"/>.
/// </summary>
/// <remarks>
/// <para>Names are case-insensitive, so a PyTorch class name (<c>RMSprop</c>, <c>AdamW</c>) works too.
/// A tuple argument is given by component: <c>betas=(0.9, 0.999)</c> is <c>beta1=0.9, beta2=0.999</c>
/// (<see cref="TupleComponentName"/>). Flags are 0 or 1. Unknown names are rejected with the list of valid
/// ones; PyTorch's implementation switches (<see cref="IgnoredArguments"/>) are accepted and ignored.</para>
/// <para><c>adam</c>, <c>nadam</c> and <c>radam</c> accept <c>decoupled_weight_decay</c> like PyTorch 2.x;
/// for <c>adam</c> it selects <see cref="AdamW"/>.</para>
/// </remarks>
public static class OptimizerRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, OptimizerDescriptor> Descriptors = new(StringComparer.OrdinalIgnoreCase);

    static OptimizerRegistry()
    {
        foreach (var d in OptimizerDeclarations.In(typeof(Optimizer).Assembly))
        {
            Register(d);
        }
    }

    /// <summary>PyTorch arguments that choose an implementation, not the math; accepted and ignored.</summary>
    public static IReadOnlySet<string> IgnoredArguments { get; } =
        new HashSet<string>(["foreach", "fused", "capturable", "differentiable"], StringComparer.Ordinal);

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                return [.. Descriptors.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The PyTorch tuple arguments the registered optimizers accept by component (<c>betas</c>, …), sorted.</summary>
    public static IReadOnlyList<string> TupleNames
    {
        get
        {
            lock (Gate)
            {
                return [.. Descriptors.Values.SelectMany(d => d.Hyperparameters).Select(h => h.Tuple).OfType<string>()
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>How many components tuple argument <paramref name="tupleName"/> has (<c>betas</c>: 2, Muon's
    /// <c>ns_coefficients</c>: 3), the most any registered optimizer declares; 0 when none does.</summary>
    public static int TupleLength(string tupleName)
    {
        ArgumentNullException.ThrowIfNull(tupleName);
        lock (Gate)
        {
            return Descriptors.Values.Select(d => d.Hyperparameters.Count(h => h.Tuple == tupleName)).DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Whether some registered optimizer takes <paramref name="name"/> as a named choice
    /// (<c>eps_convention</c>, <c>momentum_convention</c>).</summary>
    public static bool IsChoice(string name)
    {
        lock (Gate)
        {
            return Descriptors.Values.Any(d => d.Hyperparameters.Any(h => h.Name == name && h.Kind == HyperparameterKind.Choice));
        }
    }

    /// <summary>Adds an optimizer (or replaces one with the same name).</summary>
    public static void Register(OptimizerDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        lock (Gate)
        {
            Descriptors[descriptor.Name] = descriptor;
        }
    }

    /// <summary>Removes an optimizer; returns whether it was registered.</summary>
    public static bool Unregister(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            return Descriptors.Remove(name);
        }
    }

    /// <summary>The descriptor of <paramref name="name"/>; throws with the valid names when unknown.</summary>
    public static OptimizerDescriptor Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            if (Descriptors.TryGetValue(name, out var d))
            {
                return d;
            }
        }

        throw new ArgumentException(
            $"unknown optimizer '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public static bool Contains(string name)
    {
        lock (Gate)
        {
            return Descriptors.ContainsKey(name);
        }
    }

    /// <summary>
    /// Creates optimizer <paramref name="name"/> over <paramref name="parameters"/> with the given hyperparameters
    /// (missing ones take the optimizer's defaults) and named choices (<c>eps_convention</c>: <c>epsilon_hat</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown optimizer or hyperparameter name (the message lists the valid ones),
    /// or a choice the optimizer does not take or with an unknown value (the message lists the valid ones).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value outside its range (the message names it, its value and the range).</exception>
    public static Optimizer Create(string name, IEnumerable<Parameter> parameters, IReadOnlyDictionary<string, double>? hyperparameters = null,
        IReadOnlyDictionary<string, string>? choices = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var d = Get(name);
        return d.Factory(parameters, Read(d, hyperparameters, choices));
    }

    /// <summary>
    /// As <see cref="Create(string, IEnumerable{Parameter}, IReadOnlyDictionary{string, double}?, IReadOnlyDictionary{string, string}?)"/>
    /// over parameters with their state_dict names (<c>Module.NamedParameters()</c>), which an optimizer that routes
    /// parameters by name uses (<see cref="OptimizerDescriptor.NamedFactory"/>: <c>muon</c> gives embeddings and heads to
    /// AdamW, see <see cref="Muon.CreateNamed"/>); the others ignore the names.
    /// </summary>
    /// <exception cref="ArgumentException">As the unnamed overload.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As the unnamed overload.</exception>
    public static Optimizer CreateNamed(string name, IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        IReadOnlyDictionary<string, double>? hyperparameters = null, IReadOnlyDictionary<string, string>? choices = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var d = Get(name);
        var named = namedParameters.ToList();
        var h = Read(d, hyperparameters, choices);
        return d.NamedFactory is { } factory ? factory(named, h) : d.Factory(named.Select(p => p.Parameter), h);
    }

    /// <summary>Checks the hyperparameters and choices given for <paramref name="d"/> (names, then choice values).</summary>
    private static Hyperparameters Read(OptimizerDescriptor d, IReadOnlyDictionary<string, double>? hyperparameters,
        IReadOnlyDictionary<string, string>? choices)
    {
        var given = hyperparameters ?? new Dictionary<string, double>();
        var declared = new HashSet<string>(d.HyperparameterNames, StringComparer.Ordinal);
        var unknown = given.Keys.Where(k => !declared.Contains(k) && !IgnoredArguments.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"{d.Name}: unknown hyperparameter{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                $"valid names: {string.Join(", ", d.HyperparameterNames)}", nameof(hyperparameters));
        }

        foreach (var (key, value) in choices ?? new Dictionary<string, string>())
        {
            var info = d.Hyperparameters.FirstOrDefault(h => h.Name == key && h.Kind == HyperparameterKind.Choice);
            if (info is null)
            {
                List<string> takers;
                lock (Gate)
                {
                    takers = [.. Descriptors.Values.Where(o => o.Hyperparameters.Any(h => h.Name == key && h.Kind == HyperparameterKind.Choice))
                        .Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
                }

                throw new ArgumentException(takers.Count == 0
                    ? $"{d.Name}: unknown hyperparameter '{key}'; valid names: {string.Join(", ", d.HyperparameterNames)}"
                    : $"{d.Name}: {key} applies to {Either(takers, "and")} only", key);
            }

            if (!info.Choices.Contains(value))
            {
                throw new ArgumentException($"{d.Name}: {key} must be {Either(info.Choices, "or")}, got '{value}'", key);
            }

        }

        declared.UnionWith(d.Hyperparameters.Select(h => h.Name));
        return new Hyperparameters(d.Name, given, declared, choices);
    }

    /// <summary>
    /// The name of component <paramref name="index"/> (0-based) of tuple argument <paramref name="tupleName"/>:
    /// <c>betas</c> → <c>beta1</c>, <c>beta2</c>; any other name gets the 1-based index appended
    /// (<c>eps</c> → <c>eps1</c>, <c>eps2</c>).
    /// </summary>
    public static string TupleComponentName(string tupleName, int index)
    {
        ArgumentNullException.ThrowIfNull(tupleName);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var stem = tupleName == "betas" ? "beta" : tupleName;
        return stem + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"a, b and c" / "a or b".</summary>
    private static string Either(IReadOnlyList<string> items, string conjunction) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} {conjunction} {items[^1]}";
}
