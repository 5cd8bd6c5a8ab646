namespace Descent.Optimizers;

/// <summary>Adadelta's state of one parameter: the running averages of squared gradients and squared updates.</summary>
public sealed class AdadeltaState : BufferState
{
    /// <summary>Creates zero state for a parameter of the given shape.</summary>
    public AdadeltaState(ReadOnlySpan<int> shape)
        : base(("square_avg", new Tensor(shape)), ("acc_delta", new Tensor(shape)))
    {
    }

    /// <summary>Average of g² (PyTorch: <c>square_avg</c>).</summary>
    public Tensor SquareAvg => Buffer(0);

    /// <summary>Average of squared updates (PyTorch: <c>acc_delta</c>).</summary>
    public Tensor AccDelta => Buffer(1);
}
