using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Cosine annealing with warm restarts (SGDR, Loshchilov &amp; Hutter 2017):
/// η = η_min + (base_lr − η_min)(1 + cos(π T_cur / T_i)) / 2, where T_cur counts steps since the last restart
/// and the period T_i starts at T_0 and is multiplied by T_mult after each restart.
/// Equivalent to <c>torch.optim.lr_scheduler.CosineAnnealingWarmRestarts</c>, including fractional epochs
/// through <see cref="Step(double)"/>.
/// </summary>
public sealed class CosineAnnealingWarmRestartsScheduler : LearningRateScheduler
{
    /// <summary>Creates the schedule and sets the learning rates for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="t0">Steps until the first restart (PyTorch: <c>T_0</c>), ≥ 1.</param>
    /// <param name="tMult">Factor by which the period grows after each restart (PyTorch: <c>T_mult</c>,
    /// default 1), ≥ 1.</param>
    /// <param name="etaMin">Minimum learning rate (PyTorch: <c>eta_min</c>, default 0), finite and ≥ 0.</param>
    public CosineAnnealingWarmRestartsScheduler(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0.0)
        : base(optimizer)
    {
        T0 = Require.AtLeast(t0, 1, nameof(t0));
        TMult = Require.AtLeast(tMult, 1, nameof(tMult));
        EtaMin = Require.NonNegative(etaMin, nameof(etaMin));
        TI = t0;
        TCur = -1;
        InitialStep();
    }

    /// <summary>Steps until the first restart (PyTorch: <c>T_0</c>).</summary>
    public int T0 { get; }

    /// <summary>Growth factor of the period (PyTorch: <c>T_mult</c>).</summary>
    public int TMult { get; }

    /// <summary>Minimum learning rate (PyTorch: <c>eta_min</c>).</summary>
    public double EtaMin { get; }

    /// <summary>The current period (PyTorch: <c>T_i</c>).</summary>
    public double TI { get; private set; }

    /// <summary>Steps since the last restart, possibly fractional (PyTorch: <c>T_cur</c>).</summary>
    public double TCur { get; private set; }

    /// <inheritdoc />
    public override void Step()
    {
        if (LastEpoch < 0)
        {
            Step(0.0);
            return;
        }

        TCur++;
        if (TCur >= TI)
        {
            TCur %= TI;
            TI *= TMult;
        }

        Apply(LastEpoch + 1);
    }

    /// <summary>Moves the schedule to a (possibly fractional) epoch, e.g. <c>epoch + i / iterationsPerEpoch</c>
    /// (PyTorch: <c>step(epoch)</c>).</summary>
    /// <param name="epoch">The epoch, finite and ≥ 0.</param>
    public void Step(double epoch)
    {
        Require.NonNegative(epoch, nameof(epoch));
        if (epoch >= T0)
        {
            if (TMult == 1)
            {
                TCur = epoch % T0;
            }
            else
            {
                var n = (int)(Math.Log((epoch / T0 * (TMult - 1)) + 1) / Math.Log(TMult));
                TCur = epoch - (T0 * (Math.Pow(TMult, n) - 1) / (TMult - 1));
                TI = T0 * Math.Pow(TMult, n);
            }
        }
        else
        {
            TI = T0;
            TCur = epoch;
        }

        Apply(Math.Floor(epoch));
    }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group) =>
        EtaMin + ((BaseLearningRates[group] - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2);

    /// <inheritdoc />
    protected override void WriteValues(IDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values["T_i"] = TI;
        values["T_cur"] = TCur;
    }

    /// <inheritdoc />
    protected override void ReadValues(IReadOnlyDictionary<string, double> values)
    {
        TI = ReadValue(values, "T_i");
        TCur = ReadValue(values, "T_cur");
    }

    private void Apply(double lastEpoch)
    {
        LastEpoch = checked((int)lastEpoch);
        ApplyComputedLearningRates();
    }
}
