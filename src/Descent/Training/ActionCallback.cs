namespace Descent.Training;

/// <summary>A <see cref="LearnerCallback"/> that runs an action at one event (for a loop's own bookkeeping, such as
/// recording a metric or reporting progress in its own format).</summary>
public sealed class ActionCallback : LearnerCallback
{
    /// <summary>Runs <paramref name="action"/> at <paramref name="event"/>.</summary>
    public ActionCallback(LearnerEvent @event, Action<Learner> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Event = @event;
        Action = action;
    }

    /// <summary>The event.</summary>
    public LearnerEvent Event { get; }

    /// <summary>The action.</summary>
    public Action<Learner> Action { get; }

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        if (e == Event)
        {
            Action(learner);
        }
    }
}
