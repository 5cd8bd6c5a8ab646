using System.CommandLine;
using System.Globalization;
using Descent.Data;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent data</c>: says which datasets are available (built in, installed, or shipped as a subset) and
/// how to install the rest; <c>descent data subset</c> writes a balanced Fashion-MNIST subset.
/// </summary>
public static class DataCommand
{
    /// <summary>The folder of the Fashion-MNIST subset shipped in the repository, relative to its root.</summary>
    public const string SubsetFolder = "data/fashion-mnist-subset";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dataOption = new Option<string?>("--data")
        {
            Description = $"Folder holding the Fashion-MNIST gzip IDX files (default {FashionMnist.DefaultDirectory})",
        };
        var command = new Command("data", "Show which datasets are available and how to install the rest");
        command.Options.Add(dataOption);
        command.SetAction(parse => Show(parse.GetValue(dataOption), context.Console));
        command.Subcommands.Add(CreateSubset(context));
        return command;
    }

    /// <summary>Prints the dataset table; returns the exit code (0).</summary>
    public static int Show(string? fashionDirectory, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var dir = fashionDirectory ?? FashionMnist.DefaultDirectory;
        var table = new Table().AddColumns("Dataset", "Licence", "Status", "Where / how to get it");
        var digits = Datasets.Digits();
        table.AddRow("digits (8×8, default)", "BSD-3-Clause", "[green]built in[/]",
            Markup.Escape($"{digits.Count.ToString("N0", CultureInfo.InvariantCulture)} samples, 10 classes, embedded in Descent.dll"));
        if (FashionMnist.IsInstalled(dir))
        {
            table.AddRow("Fashion-MNIST", "MIT", "[green]installed[/]", Markup.Escape($"{dir}: {FashionMnist.Describe(dir)}"));
        }
        else
        {
            table.AddRow("Fashion-MNIST", "MIT", "[yellow]not installed[/]",
                Markup.Escape($"{FashionMnist.InstallCommand}  (installs to {FashionMnist.DefaultDirectory}; or --data PATH)"));
        }

        var subset = FindSubset();
        table.AddRow("Fashion-MNIST subset", "MIT",
            subset is null ? "[yellow]not found[/]" : "[green]available[/]",
            Markup.Escape(subset is null
                ? $"ships in the source repository under {SubsetFolder} (3,000 train + 1,000 test images)"
                : $"{subset} (3,000 train + 1,000 test images, for tests and offline demos)"));
        console.Write(table);
        return 0;
    }

    /// <summary>The shipped subset folder, searched upward from the current directory and the program's folder.</summary>
    public static string? FindSubset() => FashionMnist.FindSubset();

    private static Command CreateSubset(CliContext context)
    {
        var from = new Option<string>("--from")
        {
            Description = "Folder of the full Fashion-MNIST files",
            DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
        };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var train = new Option<int>("--train-per-class") { Description = "Training images per class", DefaultValueFactory = _ => 300 };
        var test = new Option<int>("--test-per-class") { Description = "Test images per class", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the selection", DefaultValueFactory = _ => 20261125UL };
        var command = new Command("subset", "Write a balanced Fashion-MNIST subset (gzip IDX) from the full dataset");
        command.Options.Add(from);
        command.Options.Add(output);
        command.Options.Add(train);
        command.Options.Add(test);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            var files = FashionMnist.WriteSubset(parse.GetValue(from)!, parse.GetValue(output)!, parse.GetValue(train), parse.GetValue(test), parse.GetValue(seed));
            foreach (var f in files)
            {
                context.Console.MarkupLineInterpolated($"wrote [blue]{f}[/]");
            }

            return 0;
        });
        return command;
    }
}
