using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Inverted dropout: each element is zeroed with probability p and the others scaled by 1/(1 − p), so the
/// expectation is unchanged (torch.nn.functional.dropout in training mode). The keep mask is drawn from the
/// given <see cref="Rng"/> (one <see cref="Rng.NextDouble"/> per element, kept when ≥ p); the gradient is
/// the same mask times 1/(1 − p).
/// </summary>
internal readonly struct DropoutOp : IUnaryOperator
{
    private readonly float[] mask;

    private DropoutOp(float[] mask)
    {
        this.mask = mask;
    }

    public static string Name => "NativeDropout";

    public static Tensor Forward(Tensor x, double p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1]");
        }

        var record = Tape.ShouldRecord(x);
        var mask = record ? Workspace.SavedFloats(x.Length) : ArrayPoolBuffer.Rent(x.Length);
        var scale = p >= 1 ? 0f : (float)(1.0 / (1.0 - p));
        for (var i = 0; i < x.Length; i++)
        {
            mask[i] = rng.NextDouble() >= p ? scale : 0f;
        }

        var y = UnaryOp<DropoutOp>.Forward(x, new DropoutOp(mask));
        if (!record)
        {
            ArrayPoolBuffer.Return(mask);
        }

        return y;
    }

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, mask.AsSpan(0, x.Length), y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
        TensorPrimitives.Multiply(g, mask.AsSpan(0, g.Length), gx);
}
