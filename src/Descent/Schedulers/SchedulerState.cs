using System.Text.Json;
using System.Text.Json.Serialization;

namespace Descent.Schedulers;

/// <summary>
/// The saved state of a learning-rate schedule: the counters and learning rates PyTorch keeps in a
/// scheduler's <c>state_dict</c> (<c>last_epoch</c>, <c>_step_count</c>, <c>base_lrs</c>, <c>_last_lr</c>), the
/// schedule's own numbers under PyTorch's names (e.g. <c>T_cur</c>, <c>T_i</c>, <c>best</c>), and the states
/// of wrapped schedules (SequentialLR, ChainedScheduler). The configuration (step size, milestones, …) is not
/// part of the state: load into a schedule constructed with the same arguments. Serializes to JSON with
/// System.Text.Json.
/// </summary>
public sealed record SchedulerState
{
    /// <summary>The schedule's type name (e.g. "CosineAnnealingLR"); loading checks it.</summary>
    public required string Scheduler { get; init; }

    /// <summary>PyTorch: <c>last_epoch</c>.</summary>
    public int LastEpoch { get; init; }

    /// <summary>PyTorch: <c>_step_count</c>.</summary>
    public int StepCount { get; init; }

    /// <summary>PyTorch: <c>base_lrs</c>, one per parameter group.</summary>
    public double[] BaseLearningRates { get; init; } = [];

    /// <summary>PyTorch: <c>_last_lr</c>, one per parameter group.</summary>
    public double[] LastLearningRates { get; init; } = [];

    /// <summary>Schedule-specific numbers by PyTorch attribute name.</summary>
    public Dictionary<string, double> Values { get; init; } = [];

    /// <summary>The states of wrapped schedules, in order.</summary>
    public List<SchedulerState> Children { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The state as JSON (numbers round-trip exactly; ±Infinity and NaN as strings).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a valid scheduler state.</exception>
    public static SchedulerState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SchedulerState>(json, JsonOptions)
                ?? throw new FormatException("the scheduler state is JSON null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid scheduler state JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads a state from a parsed JSON element.</summary>
    /// <exception cref="FormatException">The element is not a valid scheduler state.</exception>
    public static SchedulerState FromJson(JsonElement json) => FromJson(json.GetRawText());
}
