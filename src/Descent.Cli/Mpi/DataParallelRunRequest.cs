using System.Text.Json;
using System.Text.Json.Serialization;

namespace Descent.Cli.Mpi;

/// <summary>
/// What the parent <c>descent compare</c> (or <c>worker</c>) hands to the processes of one data-parallel run
/// (<c>mpirun -n N descent lab-run --request FILE …</c>, <see cref="Commands.LabRunCommand"/>): the spec as written, the
/// folder its relative paths were resolved against, the experiment's output folder (where a task caches shared work) and
/// the run's key. Written as a JSON file by the parent, read by every rank.
/// </summary>
/// <param name="SpecJson">The spec's JSON text (<see cref="Descent.Lab.Specs.ExperimentSpec.SourceJson"/>).</param>
/// <param name="BaseDirectory">The folder the spec's relative paths resolve against.</param>
/// <param name="OutputDirectory">The experiment's output folder, or null.</param>
/// <param name="RunKey">The run (<see cref="Descent.Lab.Specs.RunDescriptor.Key"/>).</param>
/// <param name="RelayRungs">Whether rank 0 asks the parent for the early-stopping rungs (<see cref="RungRelay"/>): the parent
/// has a run store to record them in.</param>
internal sealed record DataParallelRunRequest(string SpecJson, string? BaseDirectory, string? OutputDirectory, string RunKey, bool RelayRungs)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

    /// <summary>Writes the request to <paramref name="path"/>.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    /// <summary>Reads a request written by <see cref="Write"/>; a missing or malformed file is a <see cref="CliException"/>
    /// naming it.</summary>
    public static DataParallelRunRequest Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var request = JsonSerializer.Deserialize<DataParallelRunRequest>(File.ReadAllText(path), Options);
            return request is { SpecJson: not null, RunKey: not null }
                ? request
                : throw new CliException($"--request '{Printable.Escape(path)}' holds no run request (spec_json and run_key are required)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException($"--request '{Printable.Escape(path)}' could not be read as a run request: {Printable.Describe(e)}", e);
        }
    }
}
