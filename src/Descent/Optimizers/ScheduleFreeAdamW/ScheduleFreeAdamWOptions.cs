namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="ScheduleFreeAdamW"/>. Defaults are Optax's
/// (<c>optax.contrib.schedule_free_adamw</c>): learning_rate 0.0025, warmup_steps None, b1 0.9,
/// b2 0.999, eps 1e-8, weight_decay 0, weight_lr_power 2.
/// </summary>
public sealed record ScheduleFreeAdamWOptions : OptimizerOptions
{
    /// <summary>Creates the default options.</summary>
    public ScheduleFreeAdamWOptions() => LearningRate = 0.0025;

    /// <summary>Length of the linear warmup from 0 to the learning rate (Optax <c>warmup_steps</c>); null (the
    /// default) for none; ≥ 0 when set. As in Optax 0.2.8, whose warmup is a linear schedule of this length, 0
    /// means a schedule that stays at its initial value 0: the parameters never move.</summary>
    [Hyperparameter("warmup_steps")]
    public int? WarmupSteps
    {
        get;
        init => field = value is null ? null : Require.AtLeast(value.Value, 0, nameof(WarmupSteps));
    }

    /// <summary>Interpolation between the average x and the base sequence z (Optax <c>b1</c>); in (0, 1].</summary>
    [Hyperparameter("beta1", Tuple = "betas")]
    public double Beta1
    {
        get;
        init => field = value > 0 ? Require.UnitClosed(value, nameof(Beta1))
            : throw new ArgumentOutOfRangeException(nameof(Beta1), value, $"{nameof(Beta1)} must be in (0, 1], got {Require.Fmt(value)}");
    } = 0.9;

    /// <summary>Decay of the squared-gradient average (Optax <c>b2</c>); in [0, 1).</summary>
    [Hyperparameter("beta2", Tuple = "betas")]
    public double Beta2 { get; init => field = Require.UnitHalfOpen(value, nameof(Beta2)); } = 0.999;

    /// <summary>Added to the denominator outside the square root (Optax <c>eps</c>); ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-8;

    /// <summary>Decoupled weight decay on y, multiplied by the learning rate (Optax <c>weight_decay</c>); ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); } = 0;

    /// <summary>Exponent of the largest learning rate so far in the averaging weight (Optax
    /// <c>weight_lr_power</c>); finite and ≥ 0.</summary>
    [Hyperparameter("weight_lr_power")]
    public double WeightLrPower { get; init => field = Require.NonNegative(value, nameof(WeightLrPower)); } = 2.0;
}
