using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Descent.Training;

/// <summary>
/// Watches an epoch metric to be minimized (default <c>val_loss</c>) after every epoch: an epoch improves when its value is
/// below the best so far (an epoch without the metric counts as improving), and after <see cref="Patience"/> epochs without
/// improvement the run stops (<see cref="Learner.Stop"/>). Also the record of the best epoch that <see cref="Checkpointing"/>
/// uses for <c>best.safetensors</c>; its counters are saved in checkpoints.
/// </summary>
public sealed class EarlyStopping : LearnerCallback, ICheckpointState
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private SavedState state = new();

    /// <summary>Creates the callback.</summary>
    /// <param name="patience">Epochs without improvement before stopping (≥ 1), or null to only track the best epoch.</param>
    /// <param name="metric">The metric (lower is better).</param>
    public EarlyStopping(int? patience = null, string metric = Learner.ValidationLossMetric)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        Patience = patience is { } p ? Require.AtLeast(p, 1, nameof(patience)) : null;
        Metric = metric;
    }

    /// <summary>Epochs without improvement before stopping, or null.</summary>
    public int? Patience { get; }

    /// <summary>The metric watched.</summary>
    public string Metric { get; }

    /// <summary>The best value so far (+∞ before any).</summary>
    public double Best => state.BestValue;

    /// <summary>The 1-based epoch of the best value (0 before any epoch).</summary>
    public int BestEpoch => state.BestEpoch;

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement => state.EpochsWithoutImprovement;

    /// <summary>Whether the last epoch improved.</summary>
    public bool Improved { get; private set; }

    /// <summary>Whether this callback stopped the run.</summary>
    public bool Stopped { get; private set; }

    /// <inheritdoc />
    public string StateKey => "early_stopping";

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        if (e == LearnerEvent.BeforeFit)
        {
            Stopped = false;
            Improved = false;
        }

        if (e != LearnerEvent.AfterEpoch)
        {
            return;
        }

        var present = learner.Metrics.TryGetValue(Metric, out var value);
        Improved = !present || value < state.BestValue;
        if (Improved)
        {
            state.BestValue = present ? value : state.BestValue;
            state.BestEpoch = learner.Epoch + 1;
            state.EpochsWithoutImprovement = 0;
        }
        else
        {
            state.EpochsWithoutImprovement++;
        }

        if (Patience is { } patience && state.EpochsWithoutImprovement >= patience)
        {
            Stopped = true;
            learner.Stop();
        }
    }

    /// <inheritdoc />
    public JsonNode SaveState() => JsonSerializer.SerializeToNode(state, Json)!;

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        this.state = state.Deserialize<SavedState>(Json) ?? new SavedState();
    }

    private sealed class SavedState
    {
        public int BestEpoch { get; set; }

        public double BestValue { get; set; } = double.PositiveInfinity;

        public int EpochsWithoutImprovement { get; set; }
    }
}
