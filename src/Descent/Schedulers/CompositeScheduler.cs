using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// A schedule made of other schedules of the same optimizer (<see cref="ChainedScheduler"/>,
/// <see cref="SequentialScheduler"/>): it checks and keeps them, saves their state as its children, delegates
/// the learning rate to them and cannot itself be restarted at a milestone.
/// </summary>
public abstract class CompositeScheduler : LearningRateScheduler
{
    private readonly LearningRateScheduler[] schedulers;

    /// <summary>Takes <paramref name="schedulers"/> (at least one, all of <paramref name="optimizer"/>).</summary>
    /// <param name="optimizer">The optimizer every schedule belongs to.</param>
    /// <param name="schedulers">The schedules.</param>
    /// <param name="name">The schedule's name in error messages.</param>
    private protected CompositeScheduler(Optimizer optimizer, IReadOnlyList<LearningRateScheduler> schedulers, string name)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        if (schedulers.Count < 1)
        {
            throw new ArgumentException($"{name} needs at least one schedule, got none", nameof(schedulers));
        }

        for (var i = 0; i < schedulers.Count; i++)
        {
            var s = schedulers[i] ?? throw new ArgumentNullException($"{nameof(schedulers)}[{i}]");
            if (!ReferenceEquals(s.Optimizer, optimizer))
            {
                throw new ArgumentException(
                    $"{name} needs every schedule to belong to the same optimizer, but {nameof(schedulers)}[{i}] " +
                    $"({s.GetType().Name}) belongs to another one", nameof(schedulers));
            }
        }

        this.schedulers = [.. schedulers];
        Name = name;
    }

    /// <summary>The wrapped schedules.</summary>
    public IReadOnlyList<LearningRateScheduler> Schedulers => schedulers;

    /// <inheritdoc />
    private protected override IReadOnlyList<LearningRateScheduler> Children => schedulers;

    /// <inheritdoc />
    internal override bool CanRestart => false;

    /// <summary>The schedule's name in error messages.</summary>
    private protected string Name { get; }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group) =>
        throw new NotSupportedException($"{Name} delegates to its schedules");

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
        throw new NotSupportedException($"a {Name} cannot be restarted at a milestone");
}
