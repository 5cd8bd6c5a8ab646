using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Descent.Cli;

/// <summary>Factories for the options several commands share, so that every command spells, documents and
/// validates them the same way (<c>--seed</c>, <c>--steps</c>, <c>--epochs</c>, <c>--lr</c>, <c>--out</c>).
/// Each call returns a new option instance to add to one command. Values are parsed with the invariant
/// culture; a bad value gives one clear message naming the option, the value and what is expected.</summary>
public static class CommonOptions
{
    /// <summary><c>--seed</c>: the seed of every random source of the command (a non-negative integer).</summary>
    public static Option<int> Seed(int defaultValue = 42) => Integer(
        "--seed",
        defaultValue,
        min: 0,
        max: int.MaxValue,
        "Seed of every random source (data, initial weights, shuffling); the same seed gives the same results.");

    /// <summary>Largest <c>--steps</c> of any command.</summary>
    public const int MaxSteps = 10_000_000;

    /// <summary>Largest <c>--epochs</c> of any command.</summary>
    public const int MaxEpochs = 100_000;

    /// <summary><c>--steps</c>: a number of optimization steps in [1, <see cref="MaxSteps"/>].</summary>
    public static Option<int> Steps(int defaultValue, string description = "Number of optimization steps of every run.")
        => Integer("--steps", defaultValue, min: 1, max: MaxSteps, description);

    /// <summary><c>--epochs</c>: a number of passes over the training data in [1, <see cref="MaxEpochs"/>].</summary>
    public static Option<int> Epochs(int defaultValue, string description = "Number of passes over the training data.")
        => Integer("--epochs", defaultValue, min: 1, max: MaxEpochs, description);

    /// <summary><c>--lr</c>: a learning rate (finite, &gt; 0); null when not given.</summary>
    public static Option<double?> LearningRate(string description = "Learning rate (a finite number > 0).")
        => new("--lr")
        {
            Description = description,
            HelpName = "RATE",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"--lr expects a number such as 0.01 or 1e-3, got '{Printable.Escape(text)}'.");
                    return null;
                }

                if (!double.IsFinite(value) || value <= 0)
                {
                    result.AddError($"--lr must be a finite number > 0, got {text}.");
                    return null;
                }

                return value;
            },
        };

    /// <summary><c>--out</c> / <c>-o</c>: the output folder (created if missing).</summary>
    public static Option<string> Out(string defaultValue, string description = "Output folder (created if missing).")
    {
        var option = new Option<string>("--out", "-o")
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "DIR",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value))
            {
                result.AddError("--out must name a folder, got an empty value.");
            }
            else if (value.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                result.AddError($"--out contains characters that are not allowed in a path: '{value}'.");
            }
        });
        return option;
    }

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>], parsed with the invariant culture.
    /// A whole number outside the range (including one too large for an <see cref="int"/>) is a range error naming
    /// the option and the bound it crosses.</summary>
    public static Option<int> Integer(string name, int defaultValue, int min, int max, string description)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
            CustomParser = result => (int)ParseInteger(result, name, min, max),
        };

    /// <summary>An optional integer option in [<paramref name="min"/>, <paramref name="max"/>] (null when not given).</summary>
    public static Option<int?> OptionalInteger(string name, int min, int max, string description, string helpName = "N")
        => new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => (int)ParseInteger(result, name, min, max),
        };

    /// <summary>A 64-bit seed option (any whole number in [0, 2^64 − 1]).</summary>
    public static Option<ulong> Seed64(ulong defaultValue, string description)
        => new("--seed")
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
            CustomParser = result => (ulong)ParseInteger(result, "--seed", 0, ulong.MaxValue),
        };

    /// <summary>A real-valued option in [<paramref name="min"/>, <paramref name="max"/>] (finite), parsed with the
    /// invariant culture.</summary>
    public static Option<double> Number(string name, double defaultValue, double min, double max, string description, string helpName = "X")
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = result => ParseNumber(result, name, min, max, minExclusive: false) ?? defaultValue,
        };

    /// <summary>An optional real-valued option, finite and &gt; <paramref name="exclusiveMin"/> (null when not given).</summary>
    public static Option<double?> OptionalPositiveNumber(string name, string description, string helpName = "X", double exclusiveMin = 0)
        => new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseNumber(result, name, exclusiveMin, double.MaxValue, minExclusive: true),
        };

    private static System.Numerics.BigInteger ParseInteger(ArgumentResult result, string name, System.Numerics.BigInteger min, System.Numerics.BigInteger max)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} expects a whole number, got '{Printable.Escape(text)}'.");
            return min;
        }

        if (value < min)
        {
            result.AddError(min == 0
                ? $"{name} must be a non-negative integer, got {text}."
                : $"{name} must be an integer >= {min}, got {text}.");
            return min;
        }

        if (value > max)
        {
            result.AddError($"{name} must be at most {max}, got {text}.");
            return min;
        }

        return value;
    }

    private static double? ParseNumber(ArgumentResult result, string name, double min, double max, bool minExclusive)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} expects a number such as 0.5 or 1e-3, got '{Printable.Escape(text)}'.");
            return null;
        }

        var low = minExclusive ? !(value > min) : !(value >= min);
        if (!double.IsFinite(value) || low || value > max)
        {
            var lower = minExclusive ? $"> {min.ToString(CultureInfo.InvariantCulture)}" : $">= {min.ToString(CultureInfo.InvariantCulture)}";
            result.AddError(max == double.MaxValue
                ? $"{name} must be a finite number {lower}, got {text}."
                : $"{name} must be a finite number {lower} and <= {max.ToString(CultureInfo.InvariantCulture)}, got {text}.");
            return null;
        }

        return value;
    }
}
