using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Steps several chainable schedules of one optimizer together, so their effects multiply (e.g. a
/// <see cref="ConstantScheduler"/> warmup on top of an <see cref="ExponentialScheduler"/> decay). Each schedule's
/// constructor has already applied its step 0. Equivalent to <c>torch.optim.lr_scheduler.ChainedScheduler</c>.
/// </summary>
public sealed class ChainedScheduler : LearningRateScheduler
{
    private readonly LearningRateScheduler[] schedulers;

    /// <summary>Chains <paramref name="schedulers"/> (at least one, all of the same optimizer).</summary>
    public ChainedScheduler(IReadOnlyList<LearningRateScheduler> schedulers)
        : base(First(schedulers).Optimizer)
    {
        for (var i = 0; i < schedulers.Count; i++)
        {
            var s = schedulers[i] ?? throw new ArgumentNullException($"{nameof(schedulers)}[{i}]");
            if (!ReferenceEquals(s.Optimizer, Optimizer))
            {
                throw new ArgumentException(
                    $"ChainedScheduler needs every schedule to belong to the same optimizer, but {nameof(schedulers)}[{i}] " +
                    $"({s.GetType().Name}) belongs to another one", nameof(schedulers));
            }
        }

        this.schedulers = [.. schedulers];
        LastEpoch = 0;
        RecordLastLearningRates();
    }

    /// <summary>The chained schedules.</summary>
    public IReadOnlyList<LearningRateScheduler> Schedulers => schedulers;

    /// <inheritdoc />
    private protected override IReadOnlyList<LearningRateScheduler> Children => schedulers;

    /// <inheritdoc />
    internal override bool CanRestart => false;

    /// <inheritdoc />
    public override void Step()
    {
        LastEpoch++;
        foreach (var s in schedulers)
        {
            s.Step();
        }

        RecordLastLearningRates();
    }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group) =>
        throw new NotSupportedException("ChainedScheduler delegates to its schedules");

    /// <inheritdoc />
    internal override void UndoInitialStep()
    {
        foreach (var s in schedulers)
        {
            s.UndoInitialStep();
        }
    }

    /// <inheritdoc />
    internal override void UpdateLearningRates(int? epoch) =>
        throw new NotSupportedException("a ChainedScheduler cannot be restarted at a milestone");

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
