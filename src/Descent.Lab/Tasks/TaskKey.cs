namespace Descent.Lab.Tasks;

/// <summary>A key of <c>$.task</c> that a task kind reads.</summary>
/// <param name="Name">The key, e.g. <c>batch_size</c>.</param>
/// <param name="Rejection">The message given when a kind that does not read the key finds it (", not KIND" is
/// appended), e.g. <c>applies to minilm-spam only</c>.</param>
/// <param name="Schema">The key's JSON-schema fragment (the value under <c>properties.task.properties.NAME</c> of
/// <c>examples/lab/experiment.schema.json</c>).</param>
public sealed record TaskKey(string Name, string Rejection, string Schema);
