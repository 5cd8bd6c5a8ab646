using System.Globalization;
using System.Text;

namespace Descent.Data;

/// <summary>
/// The records of a CSV stream (plain or gzip), one at a time: fields split (double quotes honoured), blank and
/// comment lines skipped, the header taken when <see cref="CsvOptions.HasHeader"/>, and every row checked to have as
/// many fields as the first. Shared by <see cref="CsvReader"/> (numbers) and <see cref="CsvDataset"/> (text fields).
/// </summary>
internal sealed class CsvRecords : IDisposable
{
    private readonly StreamReader reader;
    private readonly CsvOptions options;
    private readonly List<(string Text, int Column)> fields = [];
    private int columns = -1;
    private int firstDataLine;
    private bool headerPending;

    public CsvRecords(Stream stream, string name, CsvOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        this.options = options ?? CsvOptions.Default;
        headerPending = this.options.HasHeader;
        reader = new StreamReader(DataStreams.Wrap(stream, out _), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>The file (or stream) name used in error messages.</summary>
    public string Name { get; }

    /// <summary>The column names (trimmed) once the header has been read; null without a header.</summary>
    public IReadOnlyList<string>? Header { get; private set; }

    /// <summary>The 1-based line number of the current record (or of the header before the first record).</summary>
    public int Line { get; private set; }

    /// <summary>The number of fields per record (−1 before the first line).</summary>
    public int Columns => columns;

    /// <summary>The current record's fields: text (untrimmed) and 1-based character column.</summary>
    public IReadOnlyList<(string Text, int Column)> Fields => fields;

    /// <summary>Opens a file.</summary>
    public static CsvRecords Open(string path, CsvOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new CsvRecords(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path, options);
    }

    /// <summary>Parses a number as <see cref="CsvReader"/> accepts it (invariant culture; not NaN; infinity only when
    /// spelled out, not by overflow).</summary>
    public static bool TryParseNumber(string text, out float value)
        => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !float.IsNaN(value) &&
           (!float.IsInfinity(value) || text.Contains("inf", StringComparison.OrdinalIgnoreCase) || text.Contains('∞', StringComparison.Ordinal));

    /// <summary>How a field is shown in a message: quoted and shortened, or "an empty field".</summary>
    public static string Describe(string trimmed) => trimmed.Length == 0 ? "an empty field" : $"'{(trimmed.Length <= 40 ? trimmed : trimmed[..40] + "…")}'";

    /// <summary>The position of field <paramref name="index"/> of the current record, "line L, column C".</summary>
    public string Position(int index) => $"line {Line}, column {fields[index].Column}";

    /// <summary>Advances to the next record (reading the header first when there is one); false at the end.</summary>
    public bool Next()
    {
        string? line;
        while ((line = ReadLine()) is not null)
        {
            Line++;
            if (string.IsNullOrWhiteSpace(line) || (options.Comment is { } c && line[0] == c))
            {
                continue;
            }

            Split(line);
            if (headerPending)
            {
                headerPending = false;
                Header = fields.Select(f => f.Text.Trim()).ToList();
                columns = Header.Count;
                firstDataLine = Line;
                continue;
            }

            if (columns < 0)
            {
                columns = fields.Count;
                firstDataLine = Line;
            }
            else if (fields.Count != columns)
            {
                var col = fields.Count > columns ? fields[columns].Column : line.Length + 1;
                throw new DataFormatException(Name, $"line {Line}, column {col}",
                    $"{columns} fields per row (as on line {firstDataLine})", $"{fields.Count} fields");
            }

            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public void Dispose() => reader.Dispose();

    private string? ReadLine()
    {
        try
        {
            return reader.ReadLine();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(Name, $"line {Line + 1}", "valid gzip-compressed data", e.Message, e);
        }
    }

    private void Split(string line)
    {
        var separator = options.Separator;
        fields.Clear();
        var i = 0;
        while (true)
        {
            var start = i;
            while (start < line.Length && line[start] == ' ')
            {
                start++;
            }

            if (start < line.Length && line[start] == '"')
            {
                var sb = new StringBuilder();
                var j = start + 1;
                while (true)
                {
                    if (j >= line.Length)
                    {
                        throw new DataFormatException(Name, $"line {Line}, column {start + 1}",
                            "a closing double quote for the quoted field", "the end of the line");
                    }

                    if (line[j] == '"')
                    {
                        if (j + 1 < line.Length && line[j + 1] == '"')
                        {
                            sb.Append('"');
                            j += 2;
                            continue;
                        }

                        j++;
                        break;
                    }

                    sb.Append(line[j++]);
                }

                while (j < line.Length && line[j] == ' ')
                {
                    j++;
                }

                if (j < line.Length && line[j] != separator)
                {
                    throw new DataFormatException(Name, $"line {Line}, column {j + 1}",
                        $"'{separator}' or the end of the line after a quoted field", $"'{line[j]}'");
                }

                fields.Add((sb.ToString(), start + 1));
                if (j >= line.Length)
                {
                    return;
                }

                i = j + 1;
                continue;
            }

            var end = line.IndexOf(separator, i);
            if (end < 0)
            {
                fields.Add((line[i..], i + 1));
                return;
            }

            fields.Add((line[i..end], i + 1));
            i = end + 1;
        }
    }
}
