using System.Text.Json;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Lab.Catalog;

/// <summary>
/// The lab's catalog over the engine: optimizers from <see cref="OptimizerRegistry"/> (the CLI's names and
/// PyTorch's hyperparameter names; a tuple such as <c>betas</c> is passed by component, <c>beta1</c>/<c>beta2</c>;
/// booleans as 0/1) and schedules from <see cref="SchedulerFactory"/>. A string hyperparameter is a named choice
/// the optimizer declares (<see cref="HyperparameterKind.Choice"/>), such as <c>eps_convention</c> (<c>pytorch</c>,
/// <c>epsilon_hat</c> as Keras/scikit-learn, <c>inside_root</c> as Optax's eps_root) for adam/adamw and
/// <c>momentum_convention</c> (<c>pytorch</c>, <c>sutskever</c> as Keras/scikit-learn) for sgd.
/// </summary>
/// <remarks>
/// Schedules are named by PyTorch class (<c>CosineAnnealingLR</c>) or by a short alias (<c>cosine</c>,
/// <c>step</c>, <c>multistep</c>, <c>exponential</c>, <c>linear</c>, <c>polynomial</c>, <c>constant</c>,
/// <c>onecycle</c>, <c>cosine-restarts</c>), with PyTorch's argument names. The lab steps a schedule once
/// per optimizer step, so <c>T_max</c> of a cosine schedule and <c>total_iters</c> of a polynomial one default
/// to the run's total steps, and OneCycle's <c>total_steps</c> likewise (its <c>max_lr</c> defaults to the
/// configuration's lr).
/// </remarks>
public sealed class EngineCatalog : IOptimizerCatalog
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["cosine"] = "CosineAnnealingLR",
        ["step"] = "StepLR",
        ["multistep"] = "MultiStepLR",
        ["exponential"] = "ExponentialLR",
        ["linear"] = "LinearLR",
        ["polynomial"] = "PolynomialLR",
        ["constant"] = "ConstantLR",
        ["onecycle"] = "OneCycleLR",
        ["cosine-restarts"] = "CosineAnnealingWarmRestarts",
    };

    /// <summary>The shared instance.</summary>
    public static EngineCatalog Instance { get; } = new();

    /// <inheritdoc />
    public IReadOnlyList<string> OptimizerNames => OptimizerRegistry.Names;

    /// <inheritdoc />
    public IReadOnlyList<string> ScheduleNames { get; } = [.. Aliases.Keys, .. SchedulerFactory.Names];

    /// <inheritdoc />
    public Optimizer CreateOptimizer(string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters, IReadOnlyList<Parameter> parameters)
    {
        var (values, choices) = Arguments(name, hyperparameters);
        return OptimizerRegistry.Create(name, parameters, values, choices);
    }

    /// <inheritdoc />
    public Optimizer CreateOptimizer(string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters,
        IReadOnlyList<(string Name, Parameter Parameter)> namedParameters)
    {
        var (values, choices) = Arguments(name, hyperparameters);
        return OptimizerRegistry.CreateNamed(name, namedParameters, values, choices);
    }

    /// <summary>The spec's hyperparameters as the registry's numbers (tuples by component, flags 0/1) and choices.</summary>
    private static (Dictionary<string, double> Values, Dictionary<string, string> Choices) Arguments(
        string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var choices = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, v) in hyperparameters)
        {
            if (v.Text is { } text && OptimizerRegistry.IsChoice(key))
            {
                choices[key] = text;
            }
            else if (v.Number is { } n)
            {
                values[key] = n;
            }
            else if (v.Boolean is { } b)
            {
                values[key] = b ? 1 : 0;
            }
            else if (v.Tuple is { } t)
            {
                for (var i = 0; i < t.Count; i++)
                {
                    values[OptimizerRegistry.TupleComponentName(key, i)] = t[i];
                }
            }
            else
            {
                throw new ArgumentException($"{name}: hyperparameter '{key}' takes a number or a boolean, not the string '{v.Text}'", key);
            }
        }

        return (values, choices);
    }

    /// <inheritdoc />
    public LearningRateScheduler? CreateSchedule(ScheduleSpec schedule, Optimizer optimizer, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(optimizer);
        var name = Aliases.GetValueOrDefault(schedule.Name, schedule.Name);
        var given = schedule.Arguments.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (k, v) in given)
            {
                w.WritePropertyName(k);
                if (v.Number is { } n)
                {
                    w.WriteNumberValue(n);
                }
                else if (v.Boolean is { } b)
                {
                    w.WriteBooleanValue(b);
                }
                else if (v.Text is { } s)
                {
                    w.WriteStringValue(s);
                }
                else
                {
                    w.WriteStartArray();
                    foreach (var x in v.Tuple!)
                    {
                        w.WriteNumberValue(x);
                    }

                    w.WriteEndArray();
                }
            }

            void Default(string key, double value)
            {
                if (!given.ContainsKey(key))
                {
                    w.WriteNumber(key, value);
                }
            }

            switch (name)
            {
                case "CosineAnnealingLR":
                    Default("T_max", Math.Max(1, totalSteps));
                    break;
                case "PolynomialLR":
                    Default("total_iters", Math.Max(1, totalSteps));
                    break;
                case "OneCycleLR":
                    if (!given.ContainsKey("epochs"))
                    {
                        Default("total_steps", Math.Max(1, totalSteps));
                    }

                    Default("max_lr", optimizer.Groups[0].LearningRate);
                    break;
            }

            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return SchedulerFactory.Create(optimizer, name, doc.RootElement);
    }
}
