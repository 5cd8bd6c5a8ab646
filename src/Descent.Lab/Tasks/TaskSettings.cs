namespace Descent.Lab.Tasks;

/// <summary>The settings a task kind reads beyond the common fields of <see cref="Specs.TaskSpec"/> (its own keys of
/// <c>$.task</c>), typed by the kind that owns them (<see cref="Specs.TaskSpec.Settings"/>).</summary>
public abstract record TaskSettings;
