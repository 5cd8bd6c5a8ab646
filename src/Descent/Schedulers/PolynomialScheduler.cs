using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Decays each group's learning rate polynomially to zero over <see cref="TotalIterations"/> steps:
/// lr = base_lr · (1 − min(epoch, T)/T)^power. Equivalent to <c>torch.optim.lr_scheduler.PolynomialLR</c>.
/// </summary>
public sealed class PolynomialScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="totalIterations">Steps until the learning rate reaches 0 (PyTorch: <c>total_iters</c>,
    /// default 5), ≥ 1.</param>
    /// <param name="power">The polynomial's power (default 1), finite and ≥ 0.</param>
    public PolynomialScheduler(Optimizer optimizer, int totalIterations = 5, double power = 1.0)
        : base(optimizer)
    {
        TotalIterations = Require.AtLeast(totalIterations, 1, nameof(totalIterations));
        Power = Require.NonNegative(power, nameof(power));
        InitialStep();
    }

    /// <summary>Steps until the learning rate reaches 0.</summary>
    public int TotalIterations { get; }

    /// <summary>The polynomial's power.</summary>
    public double Power { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        if (IsInitial || LastEpoch > TotalIterations)
        {
            return lr;
        }

        var decay = Math.Pow(
            (1.0 - ((double)LastEpoch / TotalIterations)) / (1.0 - ((double)(LastEpoch - 1) / TotalIterations)),
            Power);
        return lr * decay;
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) =>
        BaseLearningRates[group] * Math.Pow(1.0 - ((double)Math.Min(TotalIterations, LastEpoch) / TotalIterations), Power);
}
