namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="Yogi"/>.</summary>
public sealed class YogiState : ParameterState
{
    /// <summary>Creates the state around its tensors.</summary>
    public YogiState(Tensor expAvg, Tensor expAvgSq)
    {
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        ExpAvg = expAvg;
        ExpAvgSq = expAvgSq;
    }

    /// <summary>Average of the gradients m (Optax <c>mu</c>; key <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Second moment v (Optax <c>nu</c>; starts at the initial accumulator value; key <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("exp_avg", ExpAvg);
            yield return new("exp_avg_sq", ExpAvgSq);
        }
    }
}
