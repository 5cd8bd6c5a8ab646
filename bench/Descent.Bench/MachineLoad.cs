using System.Globalization;

namespace Descent.Bench;

/// <summary>The machine's load average (Linux <c>/proc/loadavg</c>), recorded beside timings taken on a shared machine.</summary>
internal static class MachineLoad
{
    /// <summary>The 1-, 5- and 15-minute load averages, or null where the system does not report them.</summary>
    public static (double One, double Five, double Fifteen)? Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Parse(parts[0]), Parse(parts[1]), Parse(parts[2]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A row recording the load average at <paramref name="when"/> (0 where unknown).</summary>
    public static BenchRow Row(string suite, string when)
    {
        var load = Read();
        return new BenchRow
        {
            Suite = suite,
            Case = "machine",
            Metric = $"load average (1 min) {when}",
            Unit = "load",
            Value = load?.One ?? 0,
            HigherIsBetter = false,
            Note = load is { } l
                ? string.Create(CultureInfo.InvariantCulture, $"5 min {l.Five:F2}, 15 min {l.Fifteen:F2}; {Environment.ProcessorCount} cores")
                : "load average not available",
        };
    }

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
