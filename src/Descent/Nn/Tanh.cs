namespace Descent.Nn;

/// <summary>Element-wise hyperbolic tangent; equivalent to torch.nn.Tanh.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}
