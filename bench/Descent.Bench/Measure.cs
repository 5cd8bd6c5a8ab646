using System.Diagnostics;

namespace Descent.Bench;

/// <summary>Timing helpers: best and median of repeated runs (the machine is shared, so best-of-N is the
/// figure of merit and the median shows the noise).</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times, then times it until
    /// <paramref name="reps"/> runs or <paramref name="budget"/> elapse (at least 3 runs); seconds per run.
    /// With <paramref name="warmupTime"/>, the warm-up also continues until that much time has passed (so that
    /// the JIT has promoted the hot methods to optimized code before timing starts).</summary>
    public static (double Best, double Median) Time(Action action, int warmup, int reps, TimeSpan budget, TimeSpan warmupTime = default)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmup || warming.Elapsed < warmupTime; i++)
        {
            action();
        }

        var times = new List<double>(reps);
        var total = Stopwatch.StartNew();
        while (times.Count < reps && (times.Count < 3 || total.Elapsed < budget))
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        times.Sort();
        return (times[0], times[times.Count / 2]);
    }
}
