using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Cosine annealing from base_lr to <see cref="EtaMin"/> over <see cref="TMax"/> steps, without restarts:
/// η_t = η_min + (η_max − η_min)(1 + cos(π t / T_max)) / 2 (SGDR, Loshchilov &amp; Hutter 2017).
/// </summary>
/// <remarks>Equivalent to <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> including its recursive update
/// η_{t+1} = η_min + (η_t − η_min)(1 + cos(π(t+1)/T_max)) / (1 + cos(π t/T_max)) and its behaviour past
/// T_max (the learning rate rises again along the cosine, with PyTorch's special step at
/// t ≡ T_max + 1 mod 2·T_max).</remarks>
public sealed class CosineAnnealingScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">Half period in steps (PyTorch: <c>T_max</c>), ≥ 1.</param>
    /// <param name="etaMin">Minimum learning rate (PyTorch: <c>eta_min</c>, default 0), finite and ≥ 0.</param>
    public CosineAnnealingScheduler(Optimizer optimizer, int tMax, double etaMin = 0.0)
        : base(optimizer)
    {
        TMax = Require.AtLeast(tMax, 1, nameof(tMax));
        EtaMin = Require.NonNegative(etaMin, nameof(etaMin));
        InitialStep();
    }

    /// <summary>Half period in steps (PyTorch: <c>T_max</c>).</summary>
    public int TMax { get; }

    /// <summary>Minimum learning rate (PyTorch: <c>eta_min</c>).</summary>
    public double EtaMin { get; }

    /// <inheritdoc />
    protected override bool HasClosedForm => true;

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var lr = Groups[group].LearningRate;
        var baseLr = BaseLearningRates[group];
        if (IsInitial)
        {
            return lr;
        }

        if (StepCount == 1 && LastEpoch > 0)
        {
            return EtaMin + ((baseLr - EtaMin) * (1 + Math.Cos(LastEpoch * Math.PI / TMax)) / 2);
        }

        if ((LastEpoch - 1 - TMax) % (2 * TMax) == 0)
        {
            return lr + ((baseLr - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2);
        }

        return ((1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) *
            (lr - EtaMin)) + EtaMin;
    }

    /// <inheritdoc />
    protected override double ClosedFormLearningRate(int group) =>
        EtaMin + ((BaseLearningRates[group] - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2);
}
