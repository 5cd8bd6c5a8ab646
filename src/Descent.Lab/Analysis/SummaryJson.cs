using System.Text.Encodings.Web;
using System.Text.Json;

namespace Descent.Lab.Analysis;

/// <summary>Writes summaries as JSON: snake_case names, indented, shortest round-trip numbers, LF line ends,
/// so that equal summaries are byte-identical files.</summary>
public static class SummaryJson
{
    /// <summary>The serializer options used.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON text of a summary.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>Writes <c>summary.json</c> and <c>timing.json</c> into <paramref name="directory"/>.</summary>
    public static void Write(string directory, ExperimentSummary summary, TimingSummary timing)
    {
        ArgumentNullException.ThrowIfNull(directory);
        File.WriteAllText(Path.Combine(directory, "summary.json"), Serialize(summary));
        File.WriteAllText(Path.Combine(directory, "timing.json"), Serialize(timing));
    }
}
