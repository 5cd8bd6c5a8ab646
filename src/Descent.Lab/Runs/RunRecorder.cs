using System.Diagnostics;

namespace Descent.Lab.Runs;

/// <summary>Collects a run's metrics with their wall-clock times and builds its <see cref="RunResult"/>. Given the run's
/// context, it applies the spec's early stopping: a recorded value that ends the run at a rung (<see cref="RunContext.EarlyStop"/>)
/// throws <see cref="RunStoppedException"/> carrying the run's result so far, which the runner stores as stopped.</summary>
public sealed class RunRecorder
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<MetricPoint> steps = [];
    private readonly List<MetricPoint> epochs = [];
    private readonly RunContext? context;

    /// <summary>Creates a recorder; with <paramref name="context"/>, the spec's early stopping applies.</summary>
    public RunRecorder(RunContext? context = null)
    {
        this.context = context;
    }

    /// <summary>Seconds since the recorder was created.</summary>
    public double Elapsed => clock.Elapsed.TotalSeconds;

    /// <summary>Records a per-step metric.</summary>
    public void Step(string name, int step, double value)
    {
        steps.Add(new MetricPoint(name, step, null, value, Elapsed));
        if (context?.Spec.Budget.Steps is not null)
        {
            CheckRung(name, step, step, value);
        }
    }

    /// <summary>Records a per-epoch metric.</summary>
    public void Epoch(string name, int epoch, int step, double value)
    {
        epochs.Add(new MetricPoint(name, step, epoch, value, Elapsed));
        if (context is not null)
        {
            CheckRung(name, context.Spec.Budget.Epochs is null ? step : epoch, step, value);
        }
    }

    /// <summary>The run completed its budget.</summary>
    public RunResult Completed(int stepsTaken) => new(RunStatus.Completed, null, stepsTaken, Elapsed, steps, epochs);

    /// <summary>The run diverged at <paramref name="step"/>.</summary>
    public RunResult Diverged(int stepsTaken, string message) => new(RunStatus.Diverged, message, stepsTaken, Elapsed, steps, epochs);

    private void CheckRung(string name, int used, int stepsTaken, double value)
    {
        if (context!.EarlyStop(name, used, value) is { } message)
        {
            throw new RunStoppedException(new RunResult(RunStatus.Stopped, message, stepsTaken, Elapsed, [.. steps], [.. epochs]));
        }
    }
}
