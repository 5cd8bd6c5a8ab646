using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Changes each group's learning rate linearly from <see cref="StartFactor"/>·base_lr to
/// <see cref="EndFactor"/>·base_lr over <see cref="TotalIterations"/> steps, then keeps it (the usual linear
/// warmup). Equivalent to <c>torch.optim.lr_scheduler.LinearLR</c> (chainable form).
/// </summary>
public sealed class LinearScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="startFactor">Factor at step 0 (PyTorch: <c>start_factor</c>, default 1/3), in (0, 1].</param>
    /// <param name="endFactor">Factor from step <paramref name="totalIterations"/> on (default 1), in [0, 1].</param>
    /// <param name="totalIterations">Length of the ramp in steps (PyTorch: <c>total_iters</c>, default 5), ≥ 1.</param>
    public LinearScheduler(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIterations = 5)
        : base(optimizer)
    {
        StartFactor = Require.InLeftOpen(startFactor, 0, 1, nameof(startFactor));
        EndFactor = Require.InClosed(endFactor, 0, 1, nameof(endFactor));
        TotalIterations = Require.AtLeast(totalIterations, 1, nameof(totalIterations));
        InitialStep();
    }

    /// <summary>Factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>Factor at the end of the ramp.</summary>
    public double EndFactor { get; }

    /// <summary>Length of the ramp in steps.</summary>
    public int TotalIterations { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        if (LastEpoch == 0)
        {
            return lr * StartFactor;
        }

        if (IsInitial || LastEpoch > TotalIterations)
        {
            return lr;
        }

        return lr * (1.0 + ((EndFactor - StartFactor) /
            ((TotalIterations * StartFactor) + ((LastEpoch - 1) * (EndFactor - StartFactor)))));
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) =>
        BaseLearningRates[group] *
        (StartFactor + ((EndFactor - StartFactor) * Math.Min(TotalIterations, LastEpoch) / TotalIterations));
}
