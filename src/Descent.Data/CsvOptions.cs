namespace Descent.Data;

/// <summary>How <see cref="CsvReader"/> reads a file.</summary>
public sealed record CsvOptions
{
    /// <summary>The field separator (default ',').</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Whether the first non-empty line holds column names (default false).</summary>
    public bool HasHeader { get; init; }

    /// <summary>Lines starting with this character are skipped (default none).</summary>
    public char? Comment { get; init; }

    /// <summary>Default options: comma-separated, no header.</summary>
    public static CsvOptions Default { get; } = new();
}
