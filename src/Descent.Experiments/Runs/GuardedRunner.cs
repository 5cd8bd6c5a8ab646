using System.Diagnostics;

namespace Descent.Experiments.Runs;

/// <summary>
/// Drives training runs for a fixed number of steps, one after the other, and guards each against
/// divergence: a run whose loss becomes NaN or infinite is stopped at that step (and a run whose step
/// function throws is stopped too) with a message naming the run and the step, while the remaining runs
/// still execute. Records every loss, the number of steps to reach an optional loss target and the wall time.
/// </summary>
public sealed class GuardedRunner
{
    /// <summary>Creates a runner.</summary>
    /// <param name="steps">Steps per run (≥ 1).</param>
    /// <param name="lossTarget">Loss at or below which a run counts as having reached the target (finite, ≥ 0),
    /// or null for none.</param>
    public GuardedRunner(int steps, double? lossTarget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (lossTarget is { } t && (!double.IsFinite(t) || t < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lossTarget), t, "the loss target must be a finite number >= 0");
        }

        Steps = steps;
        LossTarget = lossTarget;
    }

    /// <summary>Steps per run.</summary>
    public int Steps { get; }

    /// <summary>The loss target, or null.</summary>
    public double? LossTarget { get; }

    /// <summary>Called with the message of every run that stops early (diverged or failed), as it happens.</summary>
    public Action<string>? OnStopped { get; init; }

    /// <summary>Runs every run in order and returns their results in the same order.</summary>
    public IReadOnlyList<RunResult> RunAll(IEnumerable<TrainingRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return runs.Select(Run).ToList();
    }

    /// <summary>Runs one run for <see cref="Steps"/> steps, stopping it early if its loss is not finite or
    /// its step function throws.</summary>
    public RunResult Run(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var losses = new List<float>(Steps);
        int? stepsToTarget = null;
        var watch = Stopwatch.StartNew();
        for (var s = 0; s < Steps; s++)
        {
            float loss;
            try
            {
                loss = run.Step(s);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                watch.Stop();
                var failed = $"{run.Name} failed at step {s}: {ex.Message}; run stopped.";
                OnStopped?.Invoke(failed);
                return new RunResult(run.Name, run.Hyperparameters, RunStatus.Failed, losses, Steps, s, stepsToTarget, watch.Elapsed, failed);
            }

            losses.Add(loss);
            if (!float.IsFinite(loss))
            {
                return Diverged(run, losses, s, stepsToTarget, watch, loss);
            }

            stepsToTarget ??= Reached(loss, s);
        }

        // The loss after the last update (the steps' losses are each taken before its update).
        float? after = run.Evaluate?.Invoke();
        if (after is { } a && !float.IsFinite(a))
        {
            return Diverged(run, losses, Steps, stepsToTarget, watch, a);
        }

        stepsToTarget ??= after is { } end ? Reached(end, Steps) : null;
        watch.Stop();
        return new RunResult(run.Name, run.Hyperparameters, RunStatus.Completed, losses, Steps, null, stepsToTarget, watch.Elapsed, null)
        {
            LossAfterTraining = after,
        };
    }

    /// <summary><paramref name="step"/> when <paramref name="loss"/> is at or below the loss target, else null.</summary>
    private int? Reached(float loss, int step) => LossTarget is { } target && loss <= target ? step : null;

    private RunResult Diverged(TrainingRun run, List<float> losses, int step, int? stepsToTarget, Stopwatch watch, float loss)
    {
        watch.Stop();
        var what = float.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity";
        var diverged = step == Steps
            ? $"{run.Name} ({run.Hyperparameters}) diverged in its last update: the loss after training is {what}."
            : $"{run.Name} ({run.Hyperparameters}) diverged at step {step}: the loss is {what}; run stopped.";
        OnStopped?.Invoke(diverged);
        return new RunResult(run.Name, run.Hyperparameters, RunStatus.Diverged, losses, Steps, step, stepsToTarget, watch.Elapsed, diverged);
    }
}
