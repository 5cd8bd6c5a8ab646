namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="Lamb"/>.</summary>
public sealed class LambState : BufferState
{
    /// <summary>Creates the state around its tensors.</summary>
    public LambState(Tensor expAvg, Tensor expAvgSq)
        : base(("exp_avg", expAvg), ("exp_avg_sq", expAvgSq))
    {
    }

    /// <summary>Average of the gradients m (Optax <c>mu</c>; key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg => Buffer(0);

    /// <summary>Average of the squared gradients v (Optax <c>nu</c>; key <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq => Buffer(1);
}
