namespace Descent.Data;

/// <summary>
/// A data file is malformed: the message names the file, the position (a byte offset, or a line and
/// column) and what was expected there, e.g.
/// <c>train-labels.gz: byte 8 of the decompressed data: expected a label in [0, 10), found 12</c>.
/// The file name and what was found are quoted through <see cref="Printable.Escape"/>, so control characters
/// from the file (a terminal escape sequence in a CSV field) reach the message escaped.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception from its parts; the message is composed from them.</summary>
    public DataFormatException(string source, string position, string expected, string? found = null, Exception? inner = null)
        : base(Compose(source, position, expected, found), inner)
    {
        FilePath = source;
        Position = position;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file (or stream name) that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>Where in the file: "byte 16", "line 3, column 7", "end of file".</summary>
    public string Position { get; }

    /// <summary>What a well-formed file has at that position.</summary>
    public string Expected { get; }

    /// <summary>What was found instead, when it can be shown.</summary>
    public string? Found { get; }

    private static string Compose(string source, string position, string expected, string? found)
        => found is null
            ? $"{Printable.Escape(source)}: {position}: expected {expected}"
            : $"{Printable.Escape(source)}: {position}: expected {expected}, found {Printable.Escape(found)}";
}
