using System.Globalization;
using System.Text;

namespace Descent.Data;

/// <summary>
/// Reads numeric CSV files (plain or gzip-compressed, detected from the content) into a
/// <see cref="CsvTable"/>. Fields may be double-quoted; blank lines are skipped.
/// </summary>
/// <remarks>
/// Every row must have as many fields as the first; every field must be a number (invariant culture,
/// e.g. <c>-1.5e-3</c>, <c>nan</c> is rejected). A ragged row or a non-numeric field raises a
/// <see cref="DataFormatException"/> naming the file, the line and column (1-based) and what was expected.
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a CSV file.</summary>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = DataStreams.OpenRead(path, out _);
        return Read(stream, path, options);
    }

    /// <summary>Reads CSV from a stream (gzip detected from its first bytes); <paramref name="name"/> names it
    /// in error messages.</summary>
    public static CsvTable Read(Stream stream, string name, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= CsvOptions.Default;
        using var s = DataStreams.Wrap(stream, out _);
        using var reader = new StreamReader(s, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var values = new List<float>();
        List<string>? header = null;
        var fields = new List<(string Text, int Column)>();
        var columns = -1;
        var firstDataLine = 0;
        var rows = 0;
        var lineNumber = 0;
        string? line;
        while ((line = ReadLine(reader, name, lineNumber + 1)) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line) || (options.Comment is { } c && line[0] == c))
            {
                continue;
            }

            Split(line, options.Separator, fields, name, lineNumber);
            if (options.HasHeader && header is null)
            {
                header = fields.Select(f => f.Text.Trim()).ToList();
                columns = header.Count;
                firstDataLine = lineNumber;
                continue;
            }

            if (columns < 0)
            {
                columns = fields.Count;
                firstDataLine = lineNumber;
            }
            else if (fields.Count != columns)
            {
                var col = fields.Count > columns ? fields[columns].Column : line.Length + 1;
                throw new DataFormatException(name, $"line {lineNumber}, column {col}",
                    $"{columns} fields per row (as on line {firstDataLine})", $"{fields.Count} fields");
            }

            foreach (var (text, column) in fields)
            {
                var t = text.Trim();
                if (!float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || float.IsNaN(v) ||
                    (float.IsInfinity(v) && !IsExplicitInfinity(t)))
                {
                    throw new DataFormatException(name, $"line {lineNumber}, column {column}", "a number",
                        t.Length == 0 ? "an empty field" : $"'{Shorten(t)}'");
                }

                values.Add(v);
            }

            rows++;
        }

        return new CsvTable(name, header, values.ToArray(), rows, Math.Max(columns, 0));
    }

    private static bool IsExplicitInfinity(string t)
        => t.Contains("inf", StringComparison.OrdinalIgnoreCase) || t.Contains('∞', StringComparison.Ordinal);

    private static string Shorten(string t) => t.Length <= 40 ? t : t[..40] + "…";

    private static string? ReadLine(StreamReader reader, string name, int lineNumber)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(name, $"line {lineNumber}", "valid gzip-compressed data", e.Message, e);
        }
    }

    private static void Split(string line, char separator, List<(string Text, int Column)> fields, string name, int lineNumber)
    {
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
                        throw new DataFormatException(name, $"line {lineNumber}, column {start + 1}",
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
                    throw new DataFormatException(name, $"line {lineNumber}, column {j + 1}",
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
