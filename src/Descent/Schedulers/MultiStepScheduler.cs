using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> when the step count reaches a milestone:
/// lr = base_lr · γ^(number of milestones ≤ epoch). A milestone listed twice applies γ twice, as in PyTorch.
/// Equivalent to <c>torch.optim.lr_scheduler.MultiStepLR</c>.
/// </summary>
public sealed class MultiStepScheduler : LearningRateScheduler
{
    private readonly int[] milestones;

    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="milestones">Step indices, ≥ 0 and non-decreasing (PyTorch: <c>milestones</c>).</param>
    /// <param name="gamma">Multiplicative factor (default 0.1), finite and &gt; 0.</param>
    public MultiStepScheduler(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        this.milestones = [.. milestones];
        for (var i = 0; i < this.milestones.Length; i++)
        {
            Require.AtLeast(this.milestones[i], 0, $"{nameof(milestones)}[{i}]");
            if (i > 0 && this.milestones[i] < this.milestones[i - 1])
            {
                throw new ArgumentOutOfRangeException(nameof(milestones), this.milestones[i],
                    $"{nameof(milestones)} must be non-decreasing, but {nameof(milestones)}[{i}] = {this.milestones[i]} < " +
                    $"{nameof(milestones)}[{i - 1}] = {this.milestones[i - 1]}");
            }
        }

        Gamma = Require.Positive(gamma, nameof(gamma));
        InitialStep();
    }

    /// <summary>The milestones, in order.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <summary>Multiplicative factor of the decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        var count = 0;
        foreach (var m in milestones)
        {
            if (m == LastEpoch)
            {
                count++;
            }
        }

        return count == 0 ? lr : lr * Math.Pow(Gamma, count);
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group)
    {
        var passed = 0;
        foreach (var m in milestones)
        {
            if (m <= LastEpoch)
            {
                passed++;
            }
        }

        return BaseLearningRates[group] * Math.Pow(Gamma, passed);
    }
}
