namespace Descent.Nn;

/// <summary>Returns its input unchanged (a placeholder, e.g. a removed head); equivalent to torch.nn.Identity.</summary>
public sealed class Identity : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }
}
