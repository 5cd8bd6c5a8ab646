using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Cli.Spam;

/// <summary>Loads the SpamAssassin split for the MiniLM runs: <see cref="SpamCommand.LocateData"/> (clear errors pointing at
/// <c>descent data</c>), then <see cref="SpamSplit"/> (the fixed split; with <c>validation</c>, <see cref="SpamCommand.CarveValidation"/>
/// of its training split; with a limit, a seeded random subset of the training split).</summary>
internal static class SpamData
{
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test, string Description) Load(
        string? path, double testFraction, int seed, int? limit, bool validation = false)
    {
        var (location, description) = SpamCommand.LocateData(path);
        try
        {
            var (train, test, _) = SpamSplit.Load(location, null, testFraction, seed);
            if (validation)
            {
                (train, test) = SpamCommand.CarveValidation(train);
                description += $", validation split carved from the training split (seed {SpamSettings.ValidationSeed}) instead of the test split";
            }

            return (SpamSplit.Limit(train, limit, seed), test, $"{description}, stratified split {1 - testFraction:P0}/{testFraction:P0} (seed {seed})");
        }
        catch (Descent.Data.DataFormatException e)
        {
            throw new CliException(e.Message, e);
        }
    }
}
