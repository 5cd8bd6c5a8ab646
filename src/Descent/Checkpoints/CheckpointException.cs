namespace Descent.Checkpoints;

/// <summary>
/// A checkpoint or safetensors file cannot be used: it is malformed (bad header, offsets, sizes, dtype,
/// duplicate names, truncated data) or does not fit what it is loaded into (a missing entry, a wrong shape).
/// The message names the file, the tensor or parameter, and what was expected.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message, string? path = null, string? entry = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        Entry = entry;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CheckpointException()
        : this("invalid checkpoint")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CheckpointException(string message)
        : this(message, null, null, null)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CheckpointException(string message, Exception inner)
        : this(message, null, null, inner)
    {
    }

    /// <summary>The file concerned, when known.</summary>
    public string? Path { get; }

    /// <summary>The tensor, parameter or key concerned, when known.</summary>
    public string? Entry { get; }
}
