using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps:
/// lr = base_lr · γ^⌊epoch / step_size⌋. Equivalent to <c>torch.optim.lr_scheduler.StepLR</c> (chainable form).
/// </summary>
public sealed class StepScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">Period of the decay in steps (PyTorch: <c>step_size</c>), ≥ 1.</param>
    /// <param name="gamma">Multiplicative factor (PyTorch: <c>gamma</c>, default 0.1), finite and &gt; 0.</param>
    public StepScheduler(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        StepSize = Require.AtLeast(stepSize, 1, nameof(stepSize));
        Gamma = Require.Positive(gamma, nameof(gamma));
        InitialStep();
    }

    /// <summary>Period of the decay in steps.</summary>
    public int StepSize { get; }

    /// <summary>Multiplicative factor of the decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        return LastEpoch == 0 || LastEpoch % StepSize != 0 ? lr : lr * Gamma;
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) =>
        BaseLearningRates[group] * Math.Pow(Gamma, LastEpoch / StepSize);
}
