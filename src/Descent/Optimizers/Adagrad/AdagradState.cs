namespace Descent.Optimizers;

/// <summary>Adagrad's state of one parameter: the running sum of squared gradients.</summary>
public sealed class AdagradState : ParameterState
{
    /// <summary>Creates the state with every sum at <paramref name="initialAccumulatorValue"/>.</summary>
    public AdagradState(ReadOnlySpan<int> shape, float initialAccumulatorValue)
    {
        Sum = Tensor.Full(initialAccumulatorValue, shape);
    }

    /// <summary>Σg² (PyTorch: <c>sum</c>).</summary>
    public Tensor Sum { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("sum", Sum);
        }
    }
}
