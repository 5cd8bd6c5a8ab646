namespace Descent.Experiments.Runs;

/// <summary>The outcome of one <see cref="TrainingRun"/>.</summary>
/// <param name="Name">The run's display name (the optimizer).</param>
/// <param name="Hyperparameters">The run's hyperparameter summary.</param>
/// <param name="Status">How the run ended.</param>
/// <param name="Losses">The loss at every step that ran, in order; for a diverged run the last entry is the
/// non-finite loss that stopped it.</param>
/// <param name="StepsRequested">The number of steps the run was asked to do.</param>
/// <param name="StopStep">The step at which a diverged or failed run stopped; null when completed.</param>
/// <param name="StepsToTarget">The first step whose loss was at or below the loss target (the number of
/// updates needed to reach it), or null when the target was never reached or none was set.</param>
/// <param name="WallTime">Time spent in the step function.</param>
/// <param name="Message">Why the run stopped early (names the run and the step); null when completed.</param>
public sealed record RunResult(
    string Name,
    string Hyperparameters,
    RunStatus Status,
    IReadOnlyList<float> Losses,
    int StepsRequested,
    int? StopStep,
    int? StepsToTarget,
    TimeSpan WallTime,
    string? Message)
{
    /// <summary>The number of steps whose loss was finite.</summary>
    public int FiniteSteps => Status == RunStatus.Completed ? Losses.Count : StopStep ?? Losses.Count;

    /// <summary>The loss after the last update (<see cref="TrainingRun.Evaluate"/>), or null when the run did not
    /// complete or its loss is not evaluated after training.</summary>
    public float? LossAfterTraining { get; init; }

    /// <summary>The final loss: <see cref="LossAfterTraining"/> when known, else the last loss recorded (NaN or ±∞ for a
    /// diverged run; NaN when no step ran).</summary>
    public float FinalLoss => LossAfterTraining ?? (Losses.Count == 0 ? float.NaN : Losses[^1]);

    /// <summary>The last finite loss recorded, or null when there is none.</summary>
    public float? LastFiniteLoss
    {
        get
        {
            for (var i = Losses.Count - 1; i >= 0; i--)
            {
                if (float.IsFinite(Losses[i]))
                {
                    return Losses[i];
                }
            }

            return null;
        }
    }
}
