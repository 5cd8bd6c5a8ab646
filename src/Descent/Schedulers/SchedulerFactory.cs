using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Creates a schedule from its PyTorch class name and constructor arguments under PyTorch's names, e.g.
/// <c>Create(opt, "CosineAnnealingLR", {"T_max": 50, "eta_min": 0.001})</c>. Arguments not given take PyTorch's
/// defaults; an unknown argument, a wrong JSON type or an invalid value is rejected with its name. Used for
/// configuration files, the command line and the golden-file parity tests.
/// </summary>
public static class SchedulerFactory
{
    /// <summary>The PyTorch class names this factory understands.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "LinearLR",
        "PolynomialLR", "ConstantLR", "OneCycleLR",
    ];

    private static readonly Dictionary<string, string[]> Known = new(StringComparer.Ordinal)
    {
        ["StepLR"] = ["step_size", "gamma"],
        ["MultiStepLR"] = ["milestones", "gamma"],
        ["ExponentialLR"] = ["gamma"],
        ["CosineAnnealingLR"] = ["T_max", "eta_min"],
        ["CosineAnnealingWarmRestarts"] = ["T_0", "T_mult", "eta_min"],
        ["LinearLR"] = ["start_factor", "end_factor", "total_iters"],
        ["PolynomialLR"] = ["total_iters", "power"],
        ["ConstantLR"] = ["factor", "total_iters"],
        ["OneCycleLR"] =
        [
            "max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy", "cycle_momentum",
            "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase",
        ],
    };

    /// <summary>Creates the schedule <paramref name="name"/> from a JSON object of arguments.</summary>
    public static LearningRateScheduler Create(Optimizer optimizer, string name, string jsonArguments)
    {
        ArgumentNullException.ThrowIfNull(jsonArguments);
        using var doc = JsonDocument.Parse(jsonArguments);
        return Create(optimizer, name, doc.RootElement);
    }

    /// <summary>Creates the schedule <paramref name="name"/> from a JSON object of arguments (PyTorch names).</summary>
    public static LearningRateScheduler Create(Optimizer optimizer, string name, JsonElement arguments)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(name);
        if (!Known.TryGetValue(name, out var known))
        {
            throw new ArgumentException($"unknown schedule '{name}'; known: {string.Join(", ", Names)}", nameof(name));
        }

        var a = new Args(name, arguments);
        a.CheckKnown(known);
        LearningRateScheduler s = name switch
        {
            "StepLR" => new StepScheduler(optimizer, a.Int("step_size"), a.Double("gamma", 0.1)),
            "MultiStepLR" => new MultiStepScheduler(optimizer, a.Ints("milestones"), a.Double("gamma", 0.1)),
            "ExponentialLR" => new ExponentialScheduler(optimizer, a.Double("gamma")),
            "CosineAnnealingLR" => new CosineAnnealingScheduler(optimizer, a.Int("T_max"), a.Double("eta_min", 0)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestartsScheduler(
                optimizer, a.Int("T_0"), a.Int("T_mult", 1), a.Double("eta_min", 0)),
            "LinearLR" => new LinearScheduler(
                optimizer, a.Double("start_factor", 1.0 / 3), a.Double("end_factor", 1.0), a.Int("total_iters", 5)),
            "PolynomialLR" => new PolynomialScheduler(optimizer, a.Int("total_iters", 5), a.Double("power", 1.0)),
            "ConstantLR" => new ConstantScheduler(optimizer, a.Double("factor", 1.0 / 3), a.Int("total_iters", 5)),
            "OneCycleLR" => CreateOneCycle(optimizer, a),
            _ => throw new ArgumentException(
                $"unknown schedule '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
        return s;
    }

    private static OneCycleScheduler CreateOneCycle(Optimizer optimizer, Args a)
    {
        int totalSteps;
        if (a.Has("total_steps"))
        {
            totalSteps = a.Int("total_steps");
        }
        else if (a.Has("epochs") && a.Has("steps_per_epoch"))
        {
            var epochs = Require.AtLeast(a.Int("epochs"), 1, "epochs");
            var perEpoch = Require.AtLeast(a.Int("steps_per_epoch"), 1, "steps_per_epoch");
            totalSteps = checked(epochs * perEpoch);
        }
        else
        {
            throw new ArgumentException("OneCycleLR needs total_steps, or epochs and steps_per_epoch", "total_steps");
        }

        var strategy = a.String("anneal_strategy", "cos") switch
        {
            "cos" => AnnealStrategy.Cos,
            "linear" => AnnealStrategy.Linear,
            var other => throw new ArgumentOutOfRangeException(
                "anneal_strategy", other, $"anneal_strategy must be 'cos' or 'linear', got '{other}'"),
        };
        return new OneCycleScheduler(
            optimizer, a.Doubles("max_lr"), totalSteps, a.Double("pct_start", 0.3), strategy, a.Bool("cycle_momentum", true),
            a.Doubles("base_momentum", 0.85), a.Doubles("max_momentum", 0.95), a.Double("div_factor", 25.0),
            a.Double("final_div_factor", 1e4), a.Bool("three_phase", false));
    }

    /// <summary>Reads PyTorch-named arguments and remembers which were used.</summary>
    private sealed class Args
    {
        private readonly string scheduler;
        private readonly Dictionary<string, JsonElement> values = new(StringComparer.Ordinal);

        public Args(string scheduler, JsonElement arguments)
        {
            this.scheduler = scheduler;
            if (arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return;
            }

            if (arguments.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{scheduler} arguments must be a JSON object, got {arguments.ValueKind}", nameof(arguments));
            }

            foreach (var p in arguments.EnumerateObject())
            {
                values[p.Name] = p.Value.Clone();
            }

            if (values.TryGetValue("last_epoch", out var le))
            {
                if (le.ValueKind != JsonValueKind.Number || !le.TryGetInt32(out var v) || v != -1)
                {
                    throw new ArgumentOutOfRangeException("last_epoch", le.ToString(),
                        $"{scheduler}: last_epoch must be -1 (resume by loading a saved state instead), got {le}");
                }
            }
        }

        public bool Has(string name) => values.ContainsKey(name);

        public int Int(string name, int? fallback = null)
        {
            if (!Get(name, out var e))
            {
                return fallback ?? throw Missing(name);
            }

            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v))
            {
                return v;
            }

            throw Wrong(name, "an integer", e);
        }

        public double Double(string name, double? fallback = null)
        {
            if (!Get(name, out var e))
            {
                return fallback ?? throw Missing(name);
            }

            return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Wrong(name, "a number", e);
        }

        public bool Bool(string name, bool fallback)
        {
            if (!Get(name, out var e))
            {
                return fallback;
            }

            return e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(name, "true or false", e),
            };
        }

        public string String(string name, string fallback)
        {
            if (!Get(name, out var e))
            {
                return fallback;
            }

            return e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Wrong(name, "a string", e);
        }

        public int[] Ints(string name)
        {
            if (!Get(name, out var e))
            {
                throw Missing(name);
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Wrong(name, "a list of integers", e);
            }

            return [.. e.EnumerateArray().Select(x =>
                x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out var v) ? v : throw Wrong(name, "a list of integers", e))];
        }

        public double[] Doubles(string name, double? fallback = null)
        {
            if (!Get(name, out var e))
            {
                return fallback is double f ? [f] : throw Missing(name);
            }

            if (e.ValueKind == JsonValueKind.Number)
            {
                return [e.GetDouble()];
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Wrong(name, "a number or a list of numbers", e);
            }

            return [.. e.EnumerateArray().Select(x =>
                x.ValueKind == JsonValueKind.Number ? x.GetDouble() : throw Wrong(name, "a number or a list of numbers", e))];
        }

        public void CheckKnown(string[] known)
        {
            var unknown = values.Keys.Where(k => k != "last_epoch" && !known.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException(
                    $"{scheduler} has no argument {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                    $"its arguments are {string.Join(", ", known)}", unknown[0]);
            }
        }

        private bool Get(string name, out JsonElement e)
        {
            return values.TryGetValue(name, out e);
        }

        private ArgumentException Missing(string name) =>
            new($"{scheduler} needs the argument '{name}'", name);

        private ArgumentException Wrong(string name, string expected, JsonElement e) =>
            new($"{scheduler}: {name} must be {expected}, got {e.GetRawText()}", name);
    }
}
