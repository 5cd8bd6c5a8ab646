namespace Descent.Optimizers;

/// <summary>Adadelta's state of one parameter: the running averages of squared gradients and squared updates.</summary>
public sealed class AdadeltaState : ParameterState
{
    /// <summary>Creates zero state for a parameter of the given shape.</summary>
    public AdadeltaState(ReadOnlySpan<int> shape)
    {
        SquareAvg = new Tensor(shape);
        AccDelta = new Tensor(shape);
    }

    /// <summary>Average of g² (PyTorch: <c>square_avg</c>).</summary>
    public Tensor SquareAvg { get; }

    /// <summary>Average of squared updates (PyTorch: <c>acc_delta</c>).</summary>
    public Tensor AccDelta { get; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            yield return new("square_avg", SquareAvg);
            yield return new("acc_delta", AccDelta);
        }
    }
}
