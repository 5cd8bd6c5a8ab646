namespace Descent.Optimizers;

/// <summary>State of one parameter under <see cref="Rprop"/>: the previous (possibly zeroed) gradient and the
/// per-element step sizes, created at the parameter's first gradient.</summary>
public sealed class RpropState : BufferState
{
    /// <summary>Creates the state: <c>prev</c> zeros, <c>step_size</c> filled with float32(lr).</summary>
    public RpropState(ReadOnlySpan<int> shape, double learningRate)
        : base(("prev", new Tensor(shape)), ("step_size", Tensor.Full((float)learningRate, shape)))
    {
    }

    /// <summary>The previous gradient after the zeroing at a sign change (PyTorch: <c>prev</c>).</summary>
    public Tensor Prev => Buffer(0);

    /// <summary>The per-element step sizes (PyTorch: <c>step_size</c>).</summary>
    public Tensor StepSize => Buffer(1);
}
