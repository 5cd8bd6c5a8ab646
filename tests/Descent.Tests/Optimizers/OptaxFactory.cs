using System.Text.Json;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Builds a Descent optimizer from an Optax call and its arguments (Optax names; anything not given
/// keeps Optax's default). An argument this mapping does not know fails loudly, so a golden file that uses a new
/// option cannot pass by ignoring it.</summary>
public static class OptaxFactory
{
    public static Optimizer Create(string optaxCall, IReadOnlyDictionary<string, JsonElement> hyper, IEnumerable<Parameter> parameters)
    {
        var args = new Args(optaxCall, hyper);
        Optimizer result = optaxCall switch
        {
            "optax.lion" => new Lion(parameters, new LionOptions
            {
                LearningRate = args.Double("learning_rate"),
                Beta1 = args.Double("b1", 0.9),
                Beta2 = args.Double("b2", 0.99),
                WeightDecay = args.Double("weight_decay", 1e-3),
            }),
            "optax.lamb" => new Lamb(parameters, new LambOptions
            {
                LearningRate = args.Double("learning_rate"),
                Beta1 = args.Double("b1", 0.9),
                Beta2 = args.Double("b2", 0.999),
                Epsilon = args.Double("eps", 1e-6),
                EpsilonRoot = args.Double("eps_root", 0),
                WeightDecay = args.Double("weight_decay", 0),
            }),
            "optax.adabelief" => new AdaBelief(parameters, new AdaBeliefOptions
            {
                LearningRate = args.Double("learning_rate"),
                Beta1 = args.Double("b1", 0.9),
                Beta2 = args.Double("b2", 0.999),
                Epsilon = args.Double("eps", 1e-16),
                EpsilonRoot = args.Double("eps_root", 1e-16),
            }),
            "optax.yogi" => new Yogi(parameters, new YogiOptions
            {
                LearningRate = args.Double("learning_rate"),
                Beta1 = args.Double("b1", 0.9),
                Beta2 = args.Double("b2", 0.999),
                Epsilon = args.Double("eps", 1e-3),
                EpsilonRoot = args.Double("eps_root", 0),
                InitialAccumulatorValue = args.Double("initial_accumulator_value", 1e-6),
            }),
            "optax.adafactor" => new Adafactor(parameters, new AdafactorOptions
            {
                LearningRate = args.NullableDouble("learning_rate", null) ?? 1.0,
                MinDimSizeToFactor = args.Int("min_dim_size_to_factor", 128),
                DecayRate = args.Double("decay_rate", 0.8),
                DecayOffset = args.Int("decay_offset", 0),
                MultiplyByParameterScale = args.Bool("multiply_by_parameter_scale", true),
                ClippingThreshold = args.NullableDouble("clipping_threshold", 1.0),
                Momentum = args.NullableDouble("momentum", null),
                WeightDecayRate = args.NullableDouble("weight_decay_rate", null),
                Epsilon = args.Double("eps", 1e-30),
                Factored = args.Bool("factored", true),
            }),
            "optax.contrib.schedule_free_adamw" => new ScheduleFreeAdamW(parameters, new ScheduleFreeAdamWOptions
            {
                LearningRate = args.Double("learning_rate", 0.0025),
                WarmupSteps = args.NullableInt("warmup_steps"),
                Beta1 = args.Double("b1", 0.9),
                Beta2 = args.Double("b2", 0.999),
                Epsilon = args.Double("eps", 1e-8),
                WeightDecay = args.Double("weight_decay", 0),
                WeightLrPower = args.Double("weight_lr_power", 2.0),
            }),
            _ => throw new NotSupportedException($"no Descent optimizer for {optaxCall}"),
        };
        args.EnsureAllUsed();
        return result;
    }

    private sealed class Args(string call, IReadOnlyDictionary<string, JsonElement> hyper)
    {
        private static readonly HashSet<string> Informational = ["note", "mask", "weight_decay_mask", "mu_dtype", "dtype_momentum", "state_dtype"];
        private readonly HashSet<string> used = [];

        public double Double(string name, double? fallback = null)
        {
            if (!Has(name))
            {
                return fallback ?? throw new ArgumentException($"{call}: '{name}' is required");
            }

            return hyper[name].GetDouble();
        }

        public double? NullableDouble(string name, double? fallback)
        {
            if (!hyper.ContainsKey(name))
            {
                return fallback;
            }

            used.Add(name);
            return hyper[name].ValueKind == JsonValueKind.Null ? null : hyper[name].GetDouble();
        }

        public int Int(string name, int fallback) => Has(name) ? hyper[name].GetInt32() : fallback;

        public int? NullableInt(string name)
        {
            if (!hyper.ContainsKey(name))
            {
                return null;
            }

            used.Add(name);
            return hyper[name].ValueKind == JsonValueKind.Null ? null : hyper[name].GetInt32();
        }

        public bool Bool(string name, bool fallback) => Has(name) ? hyper[name].GetBoolean() : fallback;

        public void EnsureAllUsed()
        {
            foreach (var (name, value) in hyper)
            {
                if (used.Contains(name))
                {
                    continue;
                }

                // Dtype and mask arguments may be recorded as null / float32 (the only thing Descent supports).
                var harmless = Informational.Contains(name) &&
                    (name == "note" || value.ValueKind == JsonValueKind.Null || value.ToString().Contains("float32", StringComparison.Ordinal));
                if (!harmless)
                {
                    throw new NotSupportedException($"{call}: argument '{name}' = {value} is not mapped to a Descent option");
                }
            }
        }

        private bool Has(string name)
        {
            if (!hyper.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (hyper.ContainsKey(name))
                {
                    used.Add(name);
                }

                return false;
            }

            used.Add(name);
            return true;
        }
    }
}
