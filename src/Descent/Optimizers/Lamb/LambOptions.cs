namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Lamb"/>. Defaults are Optax's (<c>optax.lamb</c>): b1 0.9, b2 0.999, eps 1e-6,
/// eps_root 0, weight_decay 0; Optax has no default learning rate, Descent uses 1e-3.
/// </summary>
public sealed record LambOptions : OptaxMomentOptions
{
    /// <summary>Creates the default options.</summary>
    public LambOptions()
    {
        LearningRate = 1e-3;
        Epsilon = 1e-6;
    }

    /// <summary>Weight decay added to the Adam direction before the trust ratio (Optax <c>weight_decay</c>); ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); } = 0;
}
