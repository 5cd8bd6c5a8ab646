namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="Lion"/>: the momentum (Optax <c>mu</c>).</summary>
public sealed class LionState : ParameterState
{
    /// <summary>Creates the state around its momentum tensor.</summary>
    public LionState(Tensor expAvg)
    {
        ArgumentNullException.ThrowIfNull(expAvg);
        ExpAvg = expAvg;
    }

    /// <summary>The momentum m (key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get { yield return new("exp_avg", ExpAvg); }
    }
}
