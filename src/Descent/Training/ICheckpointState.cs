using System.Text.Json.Nodes;

namespace Descent.Training;

/// <summary>A <see cref="LearnerCallback"/> whose state <see cref="Checkpointing"/> saves with the model and optimizer
/// and restores on resume (e.g. <see cref="EarlyStopping"/>'s counters), as one JSON value under <see cref="StateKey"/>.</summary>
public interface ICheckpointState
{
    /// <summary>The property name of the state in the checkpoint's training metadata (unique per learner).</summary>
    string StateKey { get; }

    /// <summary>The state to save.</summary>
    JsonNode SaveState();

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    void LoadState(JsonNode state);
}
