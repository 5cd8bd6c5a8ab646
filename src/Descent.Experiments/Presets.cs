using System.Text.Json;

namespace Descent.Experiments;

/// <summary>
/// Built-in experiment sets shipped inside the library (<c>Resources/presets/NAME.json</c>: an object with
/// an <c>experiments</c> array of specs), run with <c>descent compare --preset NAME</c>.
/// </summary>
public static class Presets
{
    private const string Prefix = "Descent.Experiments.Resources.presets.";

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(Presets).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".json".Length])
            .Order(StringComparer.Ordinal)];

    /// <summary>The spec texts of preset <paramref name="name"/>, in order.</summary>
    public static IReadOnlyList<string> Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var stream = typeof(Presets).Assembly.GetManifestResourceStream(Prefix + name + ".json")
            ?? throw new ArgumentException($"unknown preset '{name}'; available: {string.Join(", ", Names)}", nameof(name));
        using var doc = JsonDocument.Parse(stream);
        return [.. doc.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetRawText())];
    }
}
