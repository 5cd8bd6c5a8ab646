using System.CommandLine;
using System.Globalization;

namespace Descent.Cli;

/// <summary>Factories for the options several commands share, so that every command spells, documents and
/// validates them the same way (<c>--seed</c>, <c>--steps</c>, <c>--epochs</c>, <c>--lr</c>, <c>--out</c>).
/// Each call returns a new option instance to add to one command.</summary>
public static class CommonOptions
{
    /// <summary><c>--seed</c>: the seed of every random source of the command (a non-negative integer).</summary>
    public static Option<int> Seed(int defaultValue = 42)
    {
        var option = new Option<int>("--seed")
        {
            Description = "Seed of every random source (data, initial weights, shuffling); the same seed gives the same results.",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"--seed must be a non-negative integer, got {result.GetValueOrDefault<int>()}.");
            }
        });
        return option;
    }

    /// <summary><c>--steps</c>: a positive number of optimization steps.</summary>
    public static Option<int> Steps(int defaultValue, string description = "Number of optimization steps of every run.")
        => Positive("--steps", defaultValue, description);

    /// <summary><c>--epochs</c>: a positive number of passes over the training data.</summary>
    public static Option<int> Epochs(int defaultValue, string description = "Number of passes over the training data.")
        => Positive("--epochs", defaultValue, description);

    /// <summary><c>--lr</c>: a learning rate (finite, &gt; 0); null when not given.</summary>
    public static Option<double?> LearningRate(string description = "Learning rate (a finite number > 0).")
    {
        var option = new Option<double?>("--lr")
        {
            Description = description,
            HelpName = "RATE",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double?>();
            if (value is { } v && (!double.IsFinite(v) || v <= 0))
            {
                result.AddError($"--lr must be a finite number > 0, got {v.ToString("R", CultureInfo.InvariantCulture)}.");
            }
        });
        return option;
    }

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

    private static Option<int> Positive(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < 1)
            {
                result.AddError($"{name} must be a positive integer, got {value}.");
            }
        });
        return option;
    }
}
