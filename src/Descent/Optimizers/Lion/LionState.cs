namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="Lion"/>: the momentum (Optax <c>mu</c>).</summary>
public sealed class LionState : BufferState
{
    /// <summary>Creates the state around its momentum tensor.</summary>
    public LionState(Tensor expAvg)
        : base(("exp_avg", expAvg))
    {
    }

    /// <summary>The momentum m (key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg => Buffer(0);
}
