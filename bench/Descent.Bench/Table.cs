using System.Globalization;

namespace Descent.Bench;

/// <summary>Prints rows as a plain-text table.</summary>
internal static class Table
{
    public static void Print(string suite, IReadOnlyList<BenchRow> rows)
    {
        string[] header = ["case", "metric", "Descent", "peer", "ratio", "peer name"];
        var cells = rows.Select(r => new[]
        {
            r.Case,
            r.Metric,
            Format(r.Value) + " " + r.Unit,
            r.PeerValue is { } pv ? Format(pv) : "-",
            r.Ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "x" : "-",
            r.Peer ?? string.Empty,
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        widths[^1] = header[^1].Length;
        Console.WriteLine();
        Console.WriteLine($"== {suite} ==");
        Console.WriteLine(Line(header, widths));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var c in cells)
        {
            Console.WriteLine(Line(c, widths));
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i])));

    private static string Format(double v) => v switch
    {
        >= 1000 => v.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        _ => v.ToString("F2", CultureInfo.InvariantCulture),
    };
}
