namespace Descent.Training;

/// <summary>When a <see cref="Learner"/> steps its learning-rate schedule.</summary>
public enum ScheduleInterval
{
    /// <summary>After every optimizer step (warmup/decay schedules, OneCycle, the lab's schedules).</summary>
    Step,

    /// <summary>After every epoch, following the evaluation (a <see cref="Schedulers.ReduceOnPlateauScheduler"/> then reads
    /// <see cref="LearnerOptions.PlateauMetric"/>).</summary>
    Epoch,
}
