using System.CommandLine;
using Descent.Cli.Demo;
using Descent.Experiments.Article;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary><c>descent demo</c>: the founding article's experiment (see <see cref="DemoExperiment"/>).</summary>
public static class DemoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seed = CommonOptions.Seed(DemoSettings.DefaultSeed);
        var steps = CommonOptions.Steps(DemoSettings.DefaultSteps, "Full-batch gradient steps of every run.");
        var lr = CommonOptions.LearningRate(
            "Learning rate for every run, replacing the defaults (linear regression: 0.1 for both; MLP: SGD 0.05, "
            + "SGD+momentum 0.05, Adam 0.01). A run whose loss becomes NaN or infinite (try --lr 1e6) is stopped "
            + "and marked diverged; the others still run.");
        var output = CommonOptions.Out(DemoOutput.DefaultDirectory, "Folder for the loss charts (PNG, SVG) and losses.csv; created if missing.");

        var command = new Command(
            "demo",
            "Run the founding article's experiment on seeded synthetic data (no files needed): linear regression "
            + "y = Xθ + b fitted by gradient descent and by Adam, and a 2-16-1 tanh MLP trained with SGD, "
            + "SGD+momentum and Adam from the same initial weights. Prints a table (optimizer, hyperparameters, "
            + "steps, final loss, steps to reach a loss target, wall time) and writes loss-vs-step charts.")
        {
            seed, steps, lr, output,
        };

        command.SetAction(parse =>
        {
            var settings = new DemoSettings(parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(lr));
            return Execute(context, settings, parse.GetValue(output)!);
        });
        return command;
    }

    /// <summary>Runs the demo, writes its charts and loss table into <paramref name="outputDirectory"/> (created if
    /// missing) and reports to <paramref name="context"/>.</summary>
    public static int Execute(CliContext context, DemoSettings settings, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var console = context.Console;
        OutputFolder.RequireWritable(outputDirectory);
        console.MarkupLine($"[bold]Descent demo[/]: seed {settings.Seed}, {settings.Steps} steps per run, full batch of {DemoExperiment.Samples} samples.");
        var outDir = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(outDir);
        var result = DemoExperiment.Run(settings, message => console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"));
        var files = DemoOutput.Write(result, outDir);
        console.Write(DemoTable.Build(result));
        console.MarkupLine($"Output folder: [link]{Markup.Escape(outDir)}[/]");
        foreach (var file in files)
        {
            console.MarkupLine($"  {Markup.Escape(file)}");
        }

        return ExitCodes.Success;
    }
}
