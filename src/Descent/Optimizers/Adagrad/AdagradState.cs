namespace Descent.Optimizers;

/// <summary>Adagrad's state of one parameter: the running sum of squared gradients.</summary>
public sealed class AdagradState : BufferState
{
    /// <summary>Creates the state with every sum at <paramref name="initialAccumulatorValue"/>.</summary>
    public AdagradState(ReadOnlySpan<int> shape, float initialAccumulatorValue)
        : base(("sum", Tensor.Full(initialAccumulatorValue, shape)))
    {
    }

    /// <summary>Σg² (PyTorch: <c>sum</c>).</summary>
    public Tensor Sum => Buffer(0);
}
