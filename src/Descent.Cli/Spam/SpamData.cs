using System.Text.Json;

namespace Descent.Cli.Spam;

/// <summary>TEMPORARY loader until Descent.Text.Data (SpamAssassinCorpus) lands; replaced then.</summary>
internal static class SpamData
{
    public static readonly string[] DefaultDirectories = ["/work/data/spam/package", "data/spam-assassin-subset"];

    public static (List<SpamEmail> Train, List<SpamEmail> Test, string Description) Load(string? directory, double testFraction, int seed)
    {
        var candidates = directory is null ? DefaultDirectories : [directory];
        var dir = candidates.FirstOrDefault(Directory.Exists)
            ?? throw new CliException($"SpamAssassin corpus not found at {string.Join(" or ", candidates)}; run 'descent data' to see how to fetch and unpack it, then pass --data PATH.");
        var files = Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("file_list", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("datapackage", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("package", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        var items = new List<SpamEmail>();
        foreach (var f in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(f));
            if (!doc.RootElement.TryGetProperty("text", out var text) || !doc.RootElement.TryGetProperty("group", out var group))
            {
                continue;
            }

            var raw = text.GetString() ?? string.Empty;
            var blank = raw.IndexOf("\n\n", StringComparison.Ordinal);
            var body = blank >= 0 ? raw[(blank + 2)..] : raw;
            items.Add(new SpamEmail(body, group.GetString()!.StartsWith("spam", StringComparison.Ordinal) ? 1 : 0));
        }

        if (items.Count == 0)
        {
            throw new CliException($"no emails found under {dir}; run 'descent data' to see how to fetch the SpamAssassin corpus.");
        }

        var order = Enumerable.Range(0, items.Count).ToArray();
        new Rng((ulong)seed).Shuffle(order.AsSpan());
        var testCount = (int)Math.Round(items.Count * testFraction);
        var test = order.Take(testCount).Select(i => items[i]).ToList();
        var train = order.Skip(testCount).Select(i => items[i]).ToList();
        return (train, test, $"{items.Count:N0} emails from {dir} (temporary loader)");
    }
}

internal sealed record SpamEmail(string Text, int Label);
