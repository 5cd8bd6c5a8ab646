namespace Descent.Data;

/// <summary>A rectangular numeric table read by <see cref="CsvReader"/>: row-major values and the optional
/// header.</summary>
public sealed class CsvTable
{
    private readonly float[] values;

    internal CsvTable(string source, IReadOnlyList<string>? header, float[] values, int rows, int columns)
    {
        Source = source;
        Header = header;
        this.values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>The column names, when the file had a header line.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>Number of data rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The values, row-major (<see cref="Rows"/> × <see cref="Columns"/>).</summary>
    public ReadOnlySpan<float> Values => values;

    /// <summary>The value at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public float this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return values[(row * Columns) + column];
        }
    }

    /// <summary>The whole table as a [Rows, Columns] tensor.</summary>
    public Tensor ToTensor() => Tensor.FromArray(values, Rows, Columns);
}
