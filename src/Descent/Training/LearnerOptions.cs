namespace Descent.Training;

/// <summary>How a <see cref="Learner"/> steps: gradient accumulation and clipping, the schedule's interval and the
/// metric a plateau schedule watches, a step budget, and whether the EMA weights are evaluated.</summary>
public sealed record LearnerOptions
{
    /// <summary>Batches whose gradients are summed per optimizer step (≥ 1; default 1). Each batch's loss is back-propagated
    /// scaled by 1/<see cref="AccumulationSteps"/>, so k equal batches step as one batch k times larger; a last, incomplete
    /// group at the end of an epoch still steps.</summary>
    public int AccumulationSteps
    {
        get;
        init => field = Require.AtLeast(value, 1, nameof(AccumulationSteps));
    } = 1;

    /// <summary>Clip the gradients' total L2 norm to this before every step (PyTorch <c>clip_grad_norm_</c>); null: no
    /// clipping.</summary>
    public double? MaxGradNorm
    {
        get;
        init => field = value is { } v ? Require.Positive(v, nameof(MaxGradNorm)) : null;
    }

    /// <summary>Clamp every gradient element to ±this before every step (PyTorch <c>clip_grad_value_</c>); null: no
    /// clamping.</summary>
    public double? ClipValue
    {
        get;
        init => field = value is { } v ? Require.Positive(v, nameof(ClipValue)) : null;
    }

    /// <summary>When the schedule steps (default <see cref="ScheduleInterval.Step"/>).</summary>
    public ScheduleInterval ScheduleInterval { get; init; } = ScheduleInterval.Step;

    /// <summary>The metric a <see cref="Schedulers.ReduceOnPlateauScheduler"/> reads after each epoch (default
    /// <c>val_loss</c>; <c>train_loss</c> when the epoch has no such metric).</summary>
    public string PlateauMetric { get; init; } = Learner.ValidationLossMetric;

    /// <summary>Stop after this many optimizer steps (the epoch in progress still ends with its evaluation); null: no
    /// limit.</summary>
    public int? MaxSteps
    {
        get;
        init => field = value is { } v ? Require.AtLeast(v, 0, nameof(MaxSteps)) : null;
    }

    /// <summary>With an <see cref="Learner.Ema"/>, evaluate with the averaged weights swapped in (default true).</summary>
    public bool EvaluateWithEma { get; init; } = true;
}
