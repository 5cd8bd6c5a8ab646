namespace Descent.Training;

/// <summary>
/// Runs at the named events of a <see cref="Learner"/>'s loop (<see cref="LearnerEvent"/>) and reads or changes its state:
/// the reusable pieces of training — early stopping, checkpoints and resume, progress, divergence detection, metrics —
/// are callbacks, each written once. Callbacks run in the order of <see cref="Learner.Callbacks"/>; one may end the run
/// with <see cref="Learner.Stop"/> or by throwing (e.g. <see cref="TrainingDivergedException"/>).
/// </summary>
public abstract class LearnerCallback
{
    /// <summary>Called at <paramref name="e"/>.</summary>
    /// <param name="e">The event.</param>
    /// <param name="learner">The learner, positioned at the event (epoch, batch, step, loss, metrics).</param>
    public abstract void On(LearnerEvent e, Learner learner);
}
