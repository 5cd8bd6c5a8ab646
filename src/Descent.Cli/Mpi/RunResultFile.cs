using System.Text.Json;
using System.Text.Json.Serialization;
using Descent.Lab.Runs;

namespace Descent.Cli.Mpi;

/// <summary>
/// A <see cref="RunResult"/> as a JSON file: how rank 0 of a data-parallel run hands its result back to the parent
/// <c>descent compare</c>, which stores it. Every number round-trips exactly (shortest round-trip form); NaN and ±∞ (a
/// diverged run's last loss) are written as <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>.
/// </summary>
internal static class RunResultFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> atomically (a temporary file renamed), so a reader
    /// never sees half a result.</summary>
    public static void Write(string path, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(result);
        var temporary = path + ".partial";
        File.WriteAllText(temporary, JsonSerializer.Serialize(result, Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The result in <paramref name="path"/>; a malformed file is an <see cref="InvalidDataException"/> naming it.</summary>
    public static RunResult Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Options)
                   ?? throw new InvalidDataException($"'{path}' holds no run result");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a run result: {e.Message}", e);
        }
    }
}
