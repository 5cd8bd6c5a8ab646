using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Steps several chainable schedules of one optimizer together, so their effects multiply (e.g. a
/// <see cref="ConstantScheduler"/> warmup on top of an <see cref="ExponentialScheduler"/> decay). Each schedule's
/// constructor has already applied its step 0. Equivalent to <c>torch.optim.lr_scheduler.ChainedScheduler</c>.
/// </summary>
public sealed class ChainedScheduler : CompositeScheduler
{
    /// <summary>Chains <paramref name="schedulers"/> (at least one, all of the same optimizer).</summary>
    public ChainedScheduler(IReadOnlyList<LearningRateScheduler> schedulers)
        : base(First(schedulers).Optimizer, schedulers, nameof(ChainedScheduler))
    {
        LastEpoch = 0;
        RecordLastLearningRates();
    }

    /// <inheritdoc />
    public override void Step()
    {
        LastEpoch++;
        foreach (var s in Schedulers)
        {
            s.Step();
        }

        RecordLastLearningRates();
    }

    private static LearningRateScheduler First(IReadOnlyList<LearningRateScheduler> schedulers)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        if (schedulers.Count < 1)
        {
            throw new ArgumentException("ChainedScheduler needs at least one schedule, got none", nameof(schedulers));
        }

        return schedulers[0] ?? throw new ArgumentNullException($"{nameof(schedulers)}[0]");
    }
}
