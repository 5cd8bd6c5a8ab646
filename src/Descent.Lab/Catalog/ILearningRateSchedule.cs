namespace Descent.Lab.Catalog;

/// <summary>A learning-rate schedule as the lab drives it: <see cref="Step"/> once after every optimizer step.</summary>
public interface ILearningRateSchedule
{
    /// <summary>Advances the schedule by one optimizer step, updating the optimizer's learning rates.</summary>
    void Step();
}
