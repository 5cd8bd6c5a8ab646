namespace Descent.Nn;

/// <summary>Element-wise max(x, 0); equivalent to torch.nn.ReLU.</summary>
public sealed class Relu : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
