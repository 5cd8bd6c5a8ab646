using System.Diagnostics;

namespace Descent.Lab.Runs;

/// <summary>
/// Measures the peak working set (resident memory) of the process while one run executes. The lab runs its runs
/// inside one process, whose memory cannot be split between them, so this is what it measures: the largest process
/// working set seen between <see cref="Start"/> and <see cref="Stop"/>, sampled every <see cref="SampleInterval"/>, and,
/// where the run has the process to itself (<c>exclusive</c>) on Linux, exactly: the kernel's peak resident set
/// (<c>VmHWM</c>) is reset when the run starts (<c>/proc/self/clear_refs</c>) and read when it ends. With several runs in
/// parallel (<c>--jobs</c> &gt; 1) the samples include the other runs' memory; the value is then an upper bound.
/// It always includes what the process held before the run (runtime, loaded data and models shared by the runs); in the
/// exclusive case the garbage of earlier runs is collected first (<see cref="ResetProcessPeak"/>).
/// </summary>
public sealed class PeakWorkingSetMeter : IDisposable
{
    /// <summary>How often the working set is sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);

    private readonly Timer timer;
    private readonly bool exact;
    private long peak;

    private PeakWorkingSetMeter(bool exclusive)
    {
        exact = exclusive && ResetProcessPeak();
        peak = Environment.WorkingSet;
        timer = new Timer(_ => Sample(), null, SampleInterval, SampleInterval);
    }

    /// <summary>Whether the peak is the kernel's exact peak resident set of the run (else the largest sample).</summary>
    public bool IsExact => exact;

    /// <summary>Starts measuring; <paramref name="exclusive"/>: no other run shares the process until <see cref="Stop"/>
    /// (the process-wide peak counter may then be reset).</summary>
    public static PeakWorkingSetMeter Start(bool exclusive) => new(exclusive);

    /// <summary>Stops measuring and returns the peak working set in bytes.</summary>
    public long Stop()
    {
        timer.Change(Timeout.Infinite, Timeout.Infinite);
        Sample();
        if (exact)
        {
            using var process = Process.GetCurrentProcess();
            Update(process.PeakWorkingSet64);
        }

        return Interlocked.Read(ref peak);
    }

    /// <inheritdoc />
    public void Dispose() => timer.Dispose();

    private void Sample() => Update(Environment.WorkingSet);

    private void Update(long value)
    {
        var seen = Interlocked.Read(ref peak);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref peak, value, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    /// <summary>
    /// Starts a new peak for the process's memory, for a run that has the process to itself: returns the memory earlier
    /// runs left as garbage to the operating system (a blocking, compacting, aggressive full garbage collection) and resets
    /// the kernel's peak resident set, so that <see cref="Process.PeakWorkingSet64"/> then reports the peak since this
    /// call (Linux: writing 5 to <c>/proc/self/clear_refs</c>). Returns false, after the collection, where the peak
    /// cannot be reset (other systems, or no permission).
    /// </summary>
    public static bool ResetProcessPeak()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
