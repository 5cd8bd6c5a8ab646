using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Runs schedules one after another: schedule k is in charge from milestone k−1 (exclusive of earlier ones)
/// and is restarted at its milestone from its closed form at epoch 0 — e.g. a <see cref="LinearScheduler"/> warmup
/// for 5 steps followed by <see cref="CosineAnnealingScheduler"/>: <c>new SequentialScheduler(opt, [warmup, cosine], [5])</c>.
/// Equivalent to <c>torch.optim.lr_scheduler.SequentialLR</c>.
/// </summary>
public sealed class SequentialScheduler : CompositeScheduler
{
    private readonly int[] milestones;

    /// <summary>Takes over already-constructed schedules of <paramref name="optimizer"/>, resets the learning
    /// rates to the initial ones and starts the first schedule.</summary>
    /// <param name="optimizer">The optimizer every schedule belongs to.</param>
    /// <param name="schedulers">The schedules, at least one.</param>
    /// <param name="milestones">One fewer than the schedules: strictly increasing step indices ≥ 1.</param>
    public SequentialScheduler(Optimizer optimizer, IReadOnlyList<LearningRateScheduler> schedulers, IReadOnlyList<int> milestones)
        : base(optimizer, schedulers, "SequentialLR")
    {
        ArgumentNullException.ThrowIfNull(milestones);
        for (var i = 1; i < schedulers.Count; i++)
        {
            if (!schedulers[i].CanRestart)
            {
                throw new ArgumentException(
                    $"{nameof(schedulers)}[{i}] ({schedulers[i].GetType().Name}) cannot be restarted at a milestone; " +
                    "only the first schedule of a SequentialLR may wrap other schedules", nameof(schedulers));
            }
        }

        if (milestones.Count != schedulers.Count - 1)
        {
            throw new ArgumentException(
                $"SequentialLR needs one milestone fewer than schedules: got {schedulers.Count} schedules and " +
                $"{milestones.Count} milestones", nameof(milestones));
        }

        for (var i = 0; i < milestones.Count; i++)
        {
            Require.AtLeast(milestones[i], i == 0 ? 1 : milestones[i - 1] + 1, $"{nameof(milestones)}[{i}]");
        }

        this.milestones = [.. milestones];
        LastEpoch = 0;
        foreach (var g in optimizer.Groups)
        {
            g.LearningRate = g.InitialLearningRate;
        }

        UndoInitialStep();
        Schedulers[0].InitialStep();
        RecordLastLearningRates();
    }

    /// <summary>The milestones.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <inheritdoc />
    public override void Step()
    {
        LastEpoch++;
        var idx = 0;
        while (idx < milestones.Length && milestones[idx] <= LastEpoch)
        {
            idx++;
        }

        var scheduler = Schedulers[idx];
        if (idx > 0 && milestones[idx - 1] == LastEpoch)
        {
            scheduler.UpdateLearningRates(0);
        }
        else
        {
            scheduler.Step();
        }

        RecordLastLearningRates();
    }
}
