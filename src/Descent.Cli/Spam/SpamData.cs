using Descent.Text.Data;

namespace Descent.Cli.Spam;

/// <summary>Loads the SpamAssassin corpus for the MiniLM runs: the fixed stratified split and an optional training limit.</summary>
internal static class SpamData
{
    /// <summary>
    /// The corpus at <paramref name="path"/> (default: <see cref="SpamAssassinCorpus.DefaultPath"/>, else the shipped
    /// subset), split by <see cref="SpamAssassinCorpus.Split"/>; with <paramref name="limit"/>, the training split is
    /// shuffled with the split seed and its first <paramref name="limit"/> emails are kept (the test split is unchanged).
    /// </summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Description) Load(
        string? path, double testFraction, int seed, int? limit)
    {
        var source = path ?? SpamAssassinCorpus.DefaultPath ?? SpamAssassinCorpus.FindSubset()
            ?? throw new CliException("SpamAssassin corpus not found; run 'descent data' to see how to fetch and unpack it, then pass --data PATH.");
        IReadOnlyList<LabeledText> items;
        try
        {
            items = SpamAssassinCorpus.Load(source);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CliException($"{e.Message} (run 'descent data' to see how to fetch the SpamAssassin corpus)", e);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"{e.Message} (run 'descent data' to see how to fetch the SpamAssassin corpus)", e);
        }

        var (train, test) = SpamAssassinCorpus.Split(items, testFraction, seed);
        if (limit is { } n && n < train.Count)
        {
            var order = Enumerable.Range(0, train.Count).ToArray();
            new Rng((ulong)seed).Shuffle(order.AsSpan());
            train = order.Take(n).Order().Select(i => train[i]).ToList();
        }

        return (train, test, $"{items.Count:N0} emails from {source}, split {1 - testFraction:P0}/{testFraction:P0} (seed {seed})");
    }
}
