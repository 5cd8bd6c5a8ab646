namespace Descent.Data;

/// <summary>
/// Reads numeric CSV files (plain or gzip-compressed, detected from the content) into a
/// <see cref="CsvTable"/>. Fields may be double-quoted; blank lines are skipped.
/// </summary>
/// <remarks>
/// Every row must have as many fields as the first; every field must be a number (invariant culture,
/// e.g. <c>-1.5e-3</c>, <c>nan</c> is rejected). A ragged row or a non-numeric field raises a
/// <see cref="DataFormatException"/> naming the file, the line and column (1-based) and what was expected.
/// For files with text columns (string class labels) see <see cref="CsvDataset"/>.
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a CSV file.</summary>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        using var records = CsvRecords.Open(path, options);
        return Read(records);
    }

    /// <summary>Reads CSV from a stream (gzip detected from its first bytes); <paramref name="name"/> names it
    /// in error messages.</summary>
    public static CsvTable Read(Stream stream, string name, CsvOptions? options = null)
    {
        using var records = new CsvRecords(stream, name, options);
        return Read(records);
    }

    private static CsvTable Read(CsvRecords records)
    {
        var values = new List<float>();
        var rows = 0;
        while (records.Next())
        {
            for (var i = 0; i < records.Fields.Count; i++)
            {
                var t = records.Fields[i].Text.Trim();
                if (!CsvRecords.TryParseNumber(t, out var v))
                {
                    throw new DataFormatException(records.Name, records.Position(i), "a number", CsvRecords.Describe(t));
                }

                values.Add(v);
            }

            rows++;
        }

        return new CsvTable(records.Name, records.Header, values.ToArray(), rows, Math.Max(records.Columns, 0));
    }
}
