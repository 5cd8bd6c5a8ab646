namespace Descent.Autodiff.Ops;

/// <summary>
/// Inverted dropout: each element is zeroed with probability p and the others scaled by 1/(1 − p), so the
/// expectation is unchanged (torch.nn.functional.dropout in training mode). The keep mask is drawn from the
/// given <see cref="Rng"/> (one <see cref="Rng.NextDouble"/> per element, kept when ≥ p); the gradient is
/// the same mask times 1/(1 − p).
/// </summary>
internal sealed class DropoutOp : Node
{
    private readonly float[] mask;

    private DropoutOp(Tensor x, float[] mask)
        : base(x)
    {
        this.mask = mask;
    }

    public override string Name => "NativeDropoutBackward";

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

        var y = Tensor.Output(x.Shape);
        var xs = x.Span;
        var ys = y.Span;
        for (var i = 0; i < ys.Length; i++)
        {
            ys[i] = xs[i] * mask[i];
        }

        if (!record)
        {
            ArrayPoolBuffer.Return(mask);
            return y;
        }

        return Tape.Record(y, new DropoutOp(x, mask));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var buf = ArrayPoolBuffer.Rent(x.Length);
        var dx = buf.AsSpan(0, x.Length);
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] = gradOutput[i] * mask[i];
        }

        x.AccumulateGrad(dx);
        ArrayPoolBuffer.Return(buf);
    }
}
