namespace Descent.Nn;

/// <summary>Element-wise exact (erf-based) GELU, x·Φ(x); equivalent to torch.nn.GELU() with approximate='none'.</summary>
public sealed class Gelu : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu();
    }
}
