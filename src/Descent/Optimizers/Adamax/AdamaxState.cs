namespace Descent.Optimizers;

/// <summary>Adamax's state of one parameter: the first moment and the exponentially weighted infinity norm.</summary>
public sealed class AdamaxState : ParameterState
{
    /// <summary>Creates zero state for a parameter of the given shape.</summary>
    public AdamaxState(ReadOnlySpan<int> shape)
    {
        ExpAvg = new Tensor(shape);
        ExpInf = new Tensor(shape);
    }

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>).</summary>
    public Tensor ExpAvg { get; }

    /// <summary>Infinity norm u (PyTorch: <c>exp_inf</c>).</summary>
    public Tensor ExpInf { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("exp_avg", ExpAvg);
            yield return new("exp_inf", ExpInf);
        }
    }
}
