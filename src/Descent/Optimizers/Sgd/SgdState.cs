namespace Descent.Optimizers;

/// <summary>SGD's state of one parameter: the momentum buffer, created from the gradient on the first step
/// with momentum (PyTorch: <c>momentum_buffer</c>); null without momentum.</summary>
public sealed class SgdState : ParameterState
{
    /// <summary>The momentum buffer (PyTorch: <c>momentum_buffer</c>), or null when momentum is 0.</summary>
    public Tensor? MomentumBuffer { get; set; }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors
    {
        get
        {
            if (MomentumBuffer is not null)
            {
                yield return new("momentum_buffer", MomentumBuffer);
            }
        }
    }
}
