using System.Globalization;
using Descent.Autodiff.Ops;

namespace Descent.Nn;

/// <summary>
/// Inverted dropout, equivalent in distribution to torch.nn.Dropout: in training mode each element is
/// zeroed with probability <see cref="P"/> and the rest scaled by 1/(1 − p); in evaluation mode (and for
/// p = 0) the input passes through unchanged. The mask comes from the layer's own seeded
/// <see cref="Rng"/> (its state can be saved in a checkpoint), so runs are reproducible.
/// </summary>
public sealed class Dropout : Module
{
    /// <summary>Creates the layer with a generator seeded by <paramref name="seed"/>.</summary>
    public Dropout(double p = 0.5, ulong seed = 0)
        : this(p, new Rng(seed))
    {
    }

    /// <summary>Creates the layer drawing its masks from <paramref name="rng"/>.</summary>
    public Dropout(double p, Rng rng)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        }

        ArgumentNullException.ThrowIfNull(rng);
        P = p;
        Rng = rng;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>The generator of the masks.</summary>
    public Rng Rng { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return !IsTraining || P == 0 ? input : DropoutOp.Forward(input, P, Rng);
    }

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"p={P}");
}
