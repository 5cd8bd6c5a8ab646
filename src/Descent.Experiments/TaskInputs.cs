using Descent.Lab.Specs;

namespace Descent.Experiments;

/// <summary>What the built-in kinds' <see cref="Descent.Lab.Tasks.ILabTask.Validate"/> share: open an input the spec
/// names and turn its reader's error (a missing file or folder, a malformed file, weights of the wrong shape or with
/// non-finite values) into a <see cref="SpecValidationException"/> at the key's JSON path, before any run.</summary>
internal static class TaskInputs
{
    /// <summary>Runs <paramref name="open"/>; a missing or unreadable input is reported at <paramref name="path"/>
    /// (e.g. <c>$.task.data</c>) with the reader's message, which names the file.</summary>
    public static void Check(string path, Action open)
    {
        try
        {
            open();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException
                                      or Descent.Checkpoints.CheckpointException or ExperimentException or InvalidOperationException)
        {
            throw new SpecValidationException([new SpecError(path, e.Message)]);
        }
    }
}
