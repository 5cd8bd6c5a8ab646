using System.Diagnostics;

namespace Descent.Lab.Runs;

/// <summary>Collects a run's metrics with their wall-clock times and builds its <see cref="RunResult"/>.</summary>
public sealed class RunRecorder
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<MetricPoint> steps = [];
    private readonly List<MetricPoint> epochs = [];

    /// <summary>Seconds since the recorder was created.</summary>
    public double Elapsed => clock.Elapsed.TotalSeconds;

    /// <summary>Records a per-step metric.</summary>
    public void Step(string name, int step, double value) => steps.Add(new MetricPoint(name, step, null, value, Elapsed));

    /// <summary>Records a per-epoch metric.</summary>
    public void Epoch(string name, int epoch, int step, double value) => epochs.Add(new MetricPoint(name, step, epoch, value, Elapsed));

    /// <summary>The run completed its budget.</summary>
    public RunResult Completed(int stepsTaken) => new(RunStatus.Completed, null, stepsTaken, Elapsed, steps, epochs);

    /// <summary>The run diverged at <paramref name="step"/>.</summary>
    public RunResult Diverged(int stepsTaken, string message) => new(RunStatus.Diverged, message, stepsTaken, Elapsed, steps, epochs);
}
