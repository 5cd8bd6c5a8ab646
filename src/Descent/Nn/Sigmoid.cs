namespace Descent.Nn;

/// <summary>Element-wise logistic sigmoid; equivalent to torch.nn.Sigmoid.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Sigmoid();
    }
}
