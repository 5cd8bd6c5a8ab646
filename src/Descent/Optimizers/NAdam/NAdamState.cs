namespace Descent.Optimizers;

/// <summary>NAdam's state of one parameter: the product of momentum coefficients (a float32 scalar, as in
/// PyTorch) and the two moment averages.</summary>
public sealed class NAdamState : BufferState
{
    /// <summary>Creates the initial state (Πμ = 1, zero moments) for a parameter of the given shape.</summary>
    public NAdamState(ReadOnlySpan<int> shape)
        : base(("mu_product", Tensor.Scalar(1f)), ("exp_avg", new Tensor(shape)), ("exp_avg_sq", new Tensor(shape)))
    {
    }

    /// <summary>Πμ over the steps so far, a 0-d tensor (PyTorch: <c>mu_product</c>).</summary>
    public Tensor MuProduct => Buffer(0);

    /// <summary>First moment m (PyTorch: <c>exp_avg</c>).</summary>
    public Tensor ExpAvg => Buffer(1);

    /// <summary>Second moment v (PyTorch: <c>exp_avg_sq</c>).</summary>
    public Tensor ExpAvgSq => Buffer(2);
}
