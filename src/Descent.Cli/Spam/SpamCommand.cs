using System.Globalization;
using System.Text.Json;
using Descent.Experiments.Spam;
using Spectre.Console;

namespace Descent.Cli.Spam;

/// <summary>
/// <c>descent finetune --task spam --model bow|minilm</c>: spam detection on the SpamAssassin corpus with the fixed split
/// (test fraction <see cref="SpamSettings.TestFraction"/>, seed <see cref="SpamSettings.SplitSeed"/>); prints a table
/// (accuracy, precision, recall, F1, training time) and writes OUT/results.json. Under <c>mpirun -n N</c> (N &gt; 1) the bow
/// baseline is refused (it is not data-parallel); MiniLM fine-tunes data-parallel (<see cref="MiniLmSpamRunner"/>).
/// </summary>
public static class SpamCommand
{
    /// <summary>Runs the chosen model and reports it; returns the exit code.</summary>
    public static int Execute(CliContext context, SpamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var console = context.Console;
        if (settings.Model == "minilm")
        {
            return MiniLmSpamRunner.Execute(context, MiniLmSpamSettings.From(settings));
        }

        if (settings.Model != "bow")
        {
            throw new CliException($"--model {settings.Model}: expected bow or minilm.");
        }

        if (Descent.Distributed.Communicator.FromEnvironment().Size is > 1 and var ranks)
        {
            throw new CliException($"--model bow trains a bag-of-words logistic regression in one process in seconds; it does not run data-parallel on {ranks} ranks: "
                                   + "run it without mpirun (--model minilm fine-tunes data-parallel under mpirun)");
        }

        var (train, test, description) = SpamData.LoadSplit(settings.DataPath, settings.Validation);
        console.MarkupLineInterpolated($"[bold]Descent spam[/] (bag-of-words baseline): seed {settings.Seed}; data: {description}");
        console.WriteLine(SpamData.Describe(train, test, settings.Validation));
        var runs = BowExperiment.Run(settings, train, test, m => console.WriteLine(m));
        Report(context, settings, runs, description, train.Count, test.Count);
        return ExitCodes.Success;
    }

    /// <summary>Prints the table and writes OUT/results.json.</summary>
    public static void Report(CliContext context, SpamSettings settings, IReadOnlyList<SpamRun> runs, string data, int trainCount, int testCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(runs);
        var c = CultureInfo.InvariantCulture;
        var table = new Table().AddColumns("Model", "Input", "Optimizer", "lr", "Epochs", "Features", "Accuracy", "Precision", "Recall", "F1", "Train time");
        foreach (var r in runs)
        {
            table.AddRow(
                Markup.Escape(r.Model),
                Markup.Escape(r.Input),
                Markup.Escape(r.Optimizer),
                r.LearningRate.ToString("G4", c),
                r.Epochs.ToString(c),
                r.Features.ToString("N0", c),
                r.Metrics.Accuracy.ToString("P2", c),
                r.Metrics.Precision.ToString("P2", c),
                r.Metrics.Recall.ToString("P2", c),
                r.Metrics.F1.ToString("F4", c),
                r.TrainSeconds.ToString("F1", c) + " s");
        }

        context.Console.Write(table);
        Directory.CreateDirectory(settings.OutputDirectory);
        var path = Path.Combine(settings.OutputDirectory, "results.json");
        var json = new
        {
            task = "spam",
            data,
            split = new
            {
                train = trainCount,
                test = testCount,
                testFraction = SpamSettings.TestFraction,
                seed = SpamSettings.SplitSeed,
                validationSeed = settings.Validation ? SpamSettings.ValidationSeed : (int?)null,
            },
            seed = settings.Seed,
            maxLength = settings.MaxLength,
            runs = runs.Select(r => new
            {
                model = r.Model,
                input = r.Input,
                optimizer = r.Optimizer,
                learningRate = r.LearningRate,
                epochs = r.Epochs,
                batchSize = r.BatchSize,
                features = r.Features,
                accuracy = r.Metrics.Accuracy,
                precision = r.Metrics.Precision,
                recall = r.Metrics.Recall,
                f1 = r.Metrics.F1,
                truePositives = r.Metrics.TruePositives,
                falsePositives = r.Metrics.FalsePositives,
                trueNegatives = r.Metrics.TrueNegatives,
                falseNegatives = r.Metrics.FalseNegatives,
                trainSeconds = r.TrainSeconds,
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        context.Console.MarkupLineInterpolated($"results: [blue]{path}[/]");
    }
}
