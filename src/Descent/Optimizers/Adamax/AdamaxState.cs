namespace Descent.Optimizers;

/// <summary>Adamax's state of one parameter: the first moment and the exponentially weighted infinity norm.</summary>
public sealed class AdamaxState : BufferState
{
    /// <summary>Creates zero state for a parameter of the given shape.</summary>
    public AdamaxState(ReadOnlySpan<int> shape)
        : base(("exp_avg", new Tensor(shape)), ("exp_inf", new Tensor(shape)))
    {
    }

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>).</summary>
    public Tensor ExpAvg => Buffer(0);

    /// <summary>Infinity norm u (PyTorch: <c>exp_inf</c>).</summary>
    public Tensor ExpInf => Buffer(1);
}
