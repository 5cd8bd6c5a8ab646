using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Cli.Spam;

/// <summary>Loads the SpamAssassin split for the MiniLM runs (<see cref="SpamSplit"/>), turning a missing corpus into a CLI error.</summary>
internal static class SpamData
{
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Description) Load(
        string? path, double testFraction, int seed, int? limit)
    {
        try
        {
            var (train, test, source) = SpamSplit.Load(path, limit, testFraction, seed);
            return (train, test, $"SpamAssassin from {source}, stratified split {1 - testFraction:P0}/{testFraction:P0} (seed {seed})");
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw new CliException($"{e.Message} Run 'descent data' to see how to fetch the SpamAssassin corpus, then pass --data PATH.", e);
        }
    }
}
