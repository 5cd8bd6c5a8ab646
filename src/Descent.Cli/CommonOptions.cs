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
        "Seed of every random source (data, initial weights, shuffling); the same seed gives the same results.");

    /// <summary><c>--steps</c>: a positive number of optimization steps.</summary>
    public static Option<int> Steps(int defaultValue, string description = "Number of optimization steps of every run.")
        => Integer("--steps", defaultValue, min: 1, description);

    /// <summary><c>--epochs</c>: a positive number of passes over the training data.</summary>
    public static Option<int> Epochs(int defaultValue, string description = "Number of passes over the training data.")
        => Integer("--epochs", defaultValue, min: 1, description);

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
                    result.AddError($"--lr expects a number such as 0.01 or 1e-3, got '{text}'.");
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

    /// <summary>An integer option with a lower bound, parsed with the invariant culture.</summary>
    public static Option<int> Integer(string name, int defaultValue, int min, string description)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
            CustomParser = result => ParseInteger(result, name, min),
        };

    private static int ParseInteger(ArgumentResult result, string name, int min)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} expects a whole number, got '{text}'.");
            return min;
        }

        if (value < min)
        {
            result.AddError(min == 0
                ? $"{name} must be a non-negative integer, got {value}."
                : $"{name} must be an integer >= {min}, got {value}.");
            return min;
        }

        return value;
    }
}
