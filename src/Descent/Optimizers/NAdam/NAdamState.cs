namespace Descent.Optimizers;

/// <summary>NAdam's state of one parameter: the product of momentum coefficients (a float32 scalar, as in
/// PyTorch) and the two moment averages.</summary>
public sealed class NAdamState : ParameterState
{
    /// <summary>Creates the initial state (Πμ = 1, zero moments) for a parameter of the given shape.</summary>
    public NAdamState(ReadOnlySpan<int> shape)
    {
        MuProduct = Tensor.Scalar(1f);
        ExpAvg = new Tensor(shape);
        ExpAvgSq = new Tensor(shape);
    }

    /// <summary>Πμ over the steps so far, a 0-d tensor (PyTorch: <c>mu_product</c>).</summary>
    public Tensor MuProduct { get; }

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Second moment v (PyTorch: <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("mu_product", MuProduct);
            yield return new("exp_avg", ExpAvg);
            yield return new("exp_avg_sq", ExpAvgSq);
        }
    }
}
