using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// Stops a run whose loss becomes NaN or infinite — checked at <see cref="LearnerEvent.AfterLoss"/>, before the
/// backward pass and the update — and, with <see cref="CheckParameters"/>, one whose parameters do after an update: throws a
/// <see cref="TrainingDivergedException"/> naming the epoch, batch and step (or the exception <see cref="CreateException"/>
/// makes of it). Put it after callbacks that record the loss, so the diverged value is recorded.
/// </summary>
public sealed class DivergenceDetection : LearnerCallback
{
    /// <summary>When the loss is checked: <see cref="LearnerEvent.AfterLoss"/> (the default, before the backward pass) or
    /// <see cref="LearnerEvent.AfterBackward"/> — for a data-parallel learner, whose <see cref="Learner.Loss"/> becomes the
    /// global batch's in the gradients' all-reduce at that event (put this callback after the data-parallel one), so that
    /// every rank sees the same loss and stops at the same step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Another event.</exception>
    public LearnerEvent LossEvent
    {
        get;
        init => field = value is LearnerEvent.AfterLoss or LearnerEvent.AfterBackward
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LossEvent), value, "the loss is checked after the loss (AfterLoss) or after the backward pass (AfterBackward)");
    } = LearnerEvent.AfterLoss;

    /// <summary>Also check every parameter of the model (or the optimizer's, without a model) after each step.</summary>
    public bool CheckParameters { get; init; }

    /// <summary>Turns the detected divergence into the exception thrown (e.g. a loop's own type); null throws it as is.</summary>
    public Func<TrainingDivergedException, Exception>? CreateException { get; init; }

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        if (e == LossEvent && !double.IsFinite(learner.Loss))
        {
            Throw(new TrainingDivergedException($"the loss became {Describe(learner.Loss)}", learner.Epoch, learner.Batch, learner.Step, learner.Loss));
        }

        if (e == LearnerEvent.AfterStep && CheckParameters && FirstNonFinite(learner) is { } bad)
        {
            Throw(new TrainingDivergedException($"parameter '{bad}' became NaN or infinite after the update", learner.Epoch, learner.Batch,
                learner.Step, learner.Loss, bad));
        }
    }

    /// <summary>"NaN", "+∞" or "−∞".</summary>
    public static string Describe(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞";

    private void Throw(TrainingDivergedException e) => throw (CreateException is null ? e : CreateException(e));

    private static string? FirstNonFinite(Learner learner)
    {
        IEnumerable<(string Name, Parameter Parameter)> named = learner.Model is { } model
            ? model.NamedParameters()
            : learner.Parameters.Select((p, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), p));
        foreach (var (name, p) in named)
        {
            if (Numerics.FiniteValues.IndexOfNonFinite(p.Span) >= 0)
            {
                return name;
            }
        }

        return null;
    }
}
