using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Multiplies each group's learning rate by a constant <see cref="Factor"/> for the first
/// <see cref="TotalIterations"/> steps, then restores it (a constant warmup). Equivalent to
/// <c>torch.optim.lr_scheduler.ConstantLR</c>.
/// </summary>
public sealed class ConstantScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="factor">The factor (PyTorch: <c>factor</c>, default 1/3), in (0, 1].</param>
    /// <param name="totalIterations">Steps with the factor applied (PyTorch: <c>total_iters</c>, default 5), ≥ 1.</param>
    public ConstantScheduler(Optimizer optimizer, double factor = 1.0 / 3, int totalIterations = 5)
        : base(optimizer)
    {
        Factor = Require.InLeftOpen(factor, 0, 1, nameof(factor));
        TotalIterations = Require.AtLeast(totalIterations, 1, nameof(totalIterations));
        InitialStep();
    }

    /// <summary>The factor applied during the first <see cref="TotalIterations"/> steps.</summary>
    public double Factor { get; }

    /// <summary>Number of steps with the factor applied.</summary>
    public int TotalIterations { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        if (LastEpoch == 0)
        {
            return lr * Factor;
        }

        return LastEpoch != TotalIterations ? lr : lr * (1.0 / Factor);
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) =>
        BaseLearningRates[group] * (Factor + ((LastEpoch >= TotalIterations ? 1 : 0) * (1 - Factor)));
}
