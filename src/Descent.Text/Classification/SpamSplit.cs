using Descent.Text.Data;

namespace Descent.Text.Classification;

/// <summary>
/// The SpamAssassin train/test split used by the MiniLM fine-tuning runs (CLI and lab): <see cref="SpamAssassinCorpus.Split"/>
/// (stratified; 0.2 and seed 0 are the README's fixed split), optionally keeping a seeded random subset of the training
/// split for quick runs (the test split is unchanged).
/// </summary>
public static class SpamSplit
{
    /// <summary>The corpus location used when none is given: the full corpus if found, else the shipped subset (null if neither).</summary>
    public static string? DefaultSource => SpamAssassinCorpus.DefaultPath ?? SpamAssassinCorpus.FindSubset();

    /// <summary>Loads and splits; <paramref name="trainLimit"/> keeps that many training emails chosen by a shuffle seeded with <paramref name="seed"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No corpus at <paramref name="path"/> (or at the default locations).</exception>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Source) Load(
        string? path, int? trainLimit = null, double testFraction = 0.2, int seed = 0)
    {
        if (trainLimit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trainLimit), trainLimit, "must be positive");
        }

        var source = path ?? DefaultSource
            ?? throw new DirectoryNotFoundException("SpamAssassin corpus not found (run 'descent data' to see how to fetch and unpack it).");
        var (train, test) = SpamAssassinCorpus.Split(SpamAssassinCorpus.Load(source), testFraction, seed);
        return (Limit(train, trainLimit, seed), test, source);
    }

    /// <summary>A seeded random subset of <paramref name="items"/> of size <paramref name="limit"/>, in the original order.</summary>
    public static IReadOnlyList<LabeledText> Limit(IReadOnlyList<LabeledText> items, int? limit, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (limit is not { } n || n >= items.Count)
        {
            return items;
        }

        var order = Enumerable.Range(0, items.Count).ToArray();
        new Rng((ulong)seed).Shuffle(order.AsSpan());
        return [.. order.Take(n).Order().Select(i => items[i])];
    }
}
