namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Yogi"/>. Defaults are Optax's (<c>optax.yogi</c> / <c>optax.scale_by_yogi</c>):
/// b1 0.9, b2 0.999, eps 1e-3, eps_root 0, initial_accumulator_value 1e-6; Optax has no default learning rate,
/// Descent uses 1e-2 (the paper's).
/// </summary>
public sealed record YogiOptions : OptaxMomentOptions
{
    /// <summary>Creates the default options.</summary>
    public YogiOptions()
    {
        LearningRate = 1e-2;
        Epsilon = 1e-3;
    }

    /// <summary>Starting value of both moments m and v (Optax <c>initial_accumulator_value</c>); finite and &gt; 0.</summary>
    [Hyperparameter("initial_accumulator_value")]
    public double InitialAccumulatorValue { get; init => field = Require.Positive(value, nameof(InitialAccumulatorValue)); } = 1e-6;
}
