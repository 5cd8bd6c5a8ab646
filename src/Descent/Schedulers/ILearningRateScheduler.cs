using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>Anything that changes an optimizer's learning rates over time and can save and restore its
/// state: every <see cref="LearningRateScheduler"/> and <see cref="ReduceOnPlateauScheduler"/>.</summary>
public interface ILearningRateScheduler
{
    /// <summary>The optimizer whose groups' <see cref="ParameterGroup.LearningRate"/> this schedule sets.</summary>
    Optimizer Optimizer { get; }

    /// <summary>The learning rate of each group after the last step (PyTorch: <c>get_last_lr()</c>).</summary>
    IReadOnlyList<double> LastLearningRates { get; }

    /// <summary>A snapshot of the schedule's state.</summary>
    SchedulerState GetState();

    /// <summary>Restores a state from <see cref="GetState"/> of a schedule built with the same arguments.</summary>
    void LoadState(SchedulerState state);
}
