namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="AdaBelief"/>.</summary>
public sealed class AdaBeliefState : BufferState
{
    /// <summary>Creates the state around its tensors.</summary>
    public AdaBeliefState(Tensor expAvg, Tensor expAvgVar)
        : base(("exp_avg", expAvg), ("exp_avg_var", expAvgVar))
    {
    }

    /// <summary>Average of the gradients m (Optax <c>mu</c>; key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg => Buffer(0);

    /// <summary>Average of the squared prediction errors s, ε_root included (Optax <c>nu</c>; key <c>exp_avg_var</c>).</summary>
    public Tensor ExpAvgVar => Buffer(1);
}
