namespace Descent.Optimizers;

/// <summary>
/// Options shared by the Optax-defined moment optimizers (<see cref="Lamb"/>, <see cref="Yogi"/>,
/// <see cref="AdaBelief"/>): <see cref="MomentOptions"/> plus Optax's <c>eps_root</c>, declared once (default 0;
/// an optimizer with another default sets it in its constructor).
/// </summary>
public abstract record OptaxMomentOptions : MomentOptions
{
    /// <summary>Added inside the square root (Optax <c>eps_root</c>; for AdaBelief added to the stored variance
    /// every step, before bias correction); ≥ 0.</summary>
    [Hyperparameter("eps_root")]
    public double EpsilonRoot { get; init => field = Require.NonNegative(value, nameof(EpsilonRoot)); }
}
