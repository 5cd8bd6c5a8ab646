namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="AdaBelief"/>. Defaults are Optax's (<c>optax.adabelief</c>): b1 0.9, b2 0.999,
/// eps 1e-16, eps_root 1e-16; Optax has no default learning rate, Descent uses 1e-3.
/// </summary>
public sealed record AdaBeliefOptions : OptaxMomentOptions
{
    /// <summary>Creates the default options.</summary>
    public AdaBeliefOptions()
    {
        LearningRate = 1e-3;
        Epsilon = 1e-16;
        EpsilonRoot = 1e-16;
    }
}
