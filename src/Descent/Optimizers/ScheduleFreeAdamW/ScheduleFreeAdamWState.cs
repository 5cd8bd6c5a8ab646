namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="ScheduleFreeAdamW"/>. The parameter itself holds the
/// training point y; the evaluation point x is recomputed from y and z.</summary>
public sealed class ScheduleFreeAdamWState : ParameterState
{
    /// <summary>Creates the state around its tensors (<paramref name="weightSum"/> and <paramref name="lrMax"/>
    /// are 0-dimensional).</summary>
    public ScheduleFreeAdamWState(Tensor z, Tensor expAvgSq, Tensor weightSum, Tensor lrMax)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        ArgumentNullException.ThrowIfNull(weightSum);
        ArgumentNullException.ThrowIfNull(lrMax);
        if (weightSum.Length != 1 || lrMax.Length != 1)
        {
            throw new ArgumentException("weight_sum and lr_max hold one value each");
        }

        Z = z;
        ExpAvgSq = expAvgSq;
        WeightSumTensor = weightSum;
        LrMaxTensor = lrMax;
    }

    /// <summary>The base (SGD-like) sequence z (key <c>z</c>).</summary>
    public Tensor Z { get; }

    /// <summary>The base AdamW's squared-gradient average v (key <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; }

    /// <summary>Σ of the averaging weights so far (key <c>weight_sum</c>, 0-dimensional).</summary>
    public Tensor WeightSumTensor { get; }

    /// <summary>Largest learning rate so far (key <c>lr_max</c>, 0-dimensional).</summary>
    public Tensor LrMaxTensor { get; }

    /// <summary>Σ of the averaging weights so far.</summary>
    public float WeightSum
    {
        get => WeightSumTensor.Span[0];
        set => WeightSumTensor.Span[0] = value;
    }

    /// <summary>Largest learning rate so far.</summary>
    public float LrMax
    {
        get => LrMaxTensor.Span[0];
        set => LrMaxTensor.Span[0] = value;
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("z", Z);
            yield return new("exp_avg_sq", ExpAvgSq);
            yield return new("weight_sum", WeightSumTensor);
            yield return new("lr_max", LrMaxTensor);
        }
    }
}
