namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="AdaBelief"/>.</summary>
public sealed class AdaBeliefState : ParameterState
{
    /// <summary>Creates the state around its tensors.</summary>
    public AdaBeliefState(Tensor expAvg, Tensor expAvgVar)
    {
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgVar);
        ExpAvg = expAvg;
        ExpAvgVar = expAvgVar;
    }

    /// <summary>Average of the gradients m (Optax <c>mu</c>; key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Average of the squared prediction errors s, ε_root included (Optax <c>nu</c>; key <c>exp_avg_var</c>).</summary>
    public Tensor ExpAvgVar { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("exp_avg", ExpAvg);
            yield return new("exp_avg_var", ExpAvgVar);
        }
    }
}
