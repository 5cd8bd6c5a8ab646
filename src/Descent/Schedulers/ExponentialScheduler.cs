using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> every step: lr = base_lr · γ^epoch.
/// Equivalent to <c>torch.optim.lr_scheduler.ExponentialLR</c>.
/// </summary>
public sealed class ExponentialScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="gamma">Multiplicative factor per step, finite and &gt; 0.</param>
    public ExponentialScheduler(Optimizer optimizer, double gamma)
        : base(optimizer)
    {
        Gamma = Require.Positive(gamma, nameof(gamma));
        InitialStep();
    }

    /// <summary>Multiplicative factor per step.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        return IsInitial ? lr : lr * Gamma;
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) => BaseLearningRates[group] * Math.Pow(Gamma, LastEpoch);
}
