namespace Descent.Autodiff.Ops;

/// <summary>
/// Pools several hidden states [B, S, H] of one batch under a 0/1 mask [B, S] and concatenates the pools per sequence:
/// output [B, K·P·H] ordered state by state and within a state mean, max, first token (those selected, P of them). The
/// mean and the maximum run over the positions whose mask is non-zero only (the mean accumulated in double precision,
/// 0 for a sequence without any); the first token is position 0 whatever the mask. The gradient of the mean is spread
/// evenly over the masked positions, that of the maximum goes to the first position holding it, that of the first
/// token to position 0; padding never receives any.
/// </summary>
internal sealed class MaskedPoolsOp : Node
{
    private readonly bool mean;
    private readonly bool max;
    private readonly bool first;
    private readonly bool[] masked;
    private readonly float[] counts;
    private readonly int[]? argmax;

    private MaskedPoolsOp(Tensor[] states, bool mean, bool max, bool first, bool[] masked, float[] counts, int[]? argmax)
        : base(states)
    {
        this.masked = masked;
        this.mean = mean;
        this.max = max;
        this.first = first;
        this.counts = counts;
        this.argmax = argmax;
    }

    public override string Name => "MaskedPoolsBackward";

    private int Pools => (mean ? 1 : 0) + (max ? 1 : 0) + (first ? 1 : 0);

    public static Tensor Forward(IReadOnlyList<Tensor> states, Tensor mask, bool mean, bool max, bool first)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(mask);
        if (states.Count == 0 || !(mean || max || first))
        {
            throw new ArgumentException("MaskedPools: need at least one hidden state and one pooling");
        }

        var shape = states[0].Shape.ToArray();
        if (shape.Length != 3 || mask.Rank != 2 || mask.Shape[0] != shape[0] || mask.Shape[1] != shape[1]
            || states.Any(s => s.Rank != 3 || !s.Shape.SequenceEqual(shape)))
        {
            throw new ShapeMismatchException("MaskedPools", shape, mask.Shape, "need hidden states [B, S, H] of one shape and a mask [B, S]");
        }

        int b = shape[0], s = shape[1], h = shape[2], k = states.Count;
        var pools = (mean ? 1 : 0) + (max ? 1 : 0) + (first ? 1 : 0);
        var inputs = states.ToArray();
        var record = Tape.ShouldRecord(inputs);
        var y = new Tensor(b, k * pools * h);
        var argmax = record && max ? new int[b * k * h] : null;
        var counts = new float[b];
        var m = mask.Span;
        var masked = new bool[b * s];
        var ys = y.Span;
        var sum = new double[h];
        for (var i = 0; i < b; i++)
        {
            for (var j = 0; j < s; j++)
            {
                masked[(i * s) + j] = m[(i * s) + j] != 0;
                counts[i] += masked[(i * s) + j] ? 1 : 0;
            }
        }

        for (var i = 0; i < b; i++)
        {
            for (var l = 0; l < k; l++)
            {
                var x = inputs[l].Span.Slice(i * s * h, s * h);
                var o = ((i * k) + l) * pools * h;
                if (mean)
                {
                    Array.Clear(sum);
                    for (var j = 0; j < s; j++)
                    {
                        if (m[(i * s) + j] != 0)
                        {
                            var row = x.Slice(j * h, h);
                            for (var c = 0; c < h; c++)
                            {
                                sum[c] += row[c];
                            }
                        }
                    }

                    for (var c = 0; c < h; c++)
                    {
                        ys[o + c] = counts[i] > 0 ? (float)(sum[c] / counts[i]) : 0f;
                    }

                    o += h;
                }

                if (max)
                {
                    var best = ys.Slice(o, h);
                    var at = argmax is null ? default : argmax.AsSpan(((i * k) + l) * h, h);
                    var seen = false;
                    for (var j = 0; j < s; j++)
                    {
                        if (m[(i * s) + j] == 0)
                        {
                            continue;
                        }

                        var row = x.Slice(j * h, h);
                        for (var c = 0; c < h; c++)
                        {
                            if (!seen || row[c] > best[c])
                            {
                                best[c] = row[c];
                                if (argmax is not null)
                                {
                                    at[c] = j;
                                }
                            }
                        }

                        seen = true;
                    }

                    if (!seen && argmax is not null)
                    {
                        at.Fill(-1);
                    }

                    o += h;
                }

                if (first)
                {
                    x[..h].CopyTo(ys.Slice(o, h));
                }
            }
        }

        return record ? Tape.Record(y, new MaskedPoolsOp(inputs, mean, max, first, masked, counts, argmax)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var inputs = Inputs;
        int b = inputs[0].Shape[0], s = inputs[0].Shape[1], h = inputs[0].Shape[2], k = inputs.Count, pools = Pools;
        var length = b * s * h;
        var buf = ArrayPoolBuffer.Rent(length);
        var dx = buf.AsSpan(0, length);
        for (var l = 0; l < k; l++)
        {
            if (!inputs[l].RequiresGrad)
            {
                continue;
            }

            dx.Clear();
            for (var i = 0; i < b; i++)
            {
                var o = ((i * k) + l) * pools * h;
                var d = dx.Slice(i * s * h, s * h);
                if (mean)
                {
                    if (counts[i] > 0)
                    {
                        var g = gradOutput.Slice(o, h);
                        for (var j = 0; j < s; j++)
                        {
                            if (masked[(i * s) + j])
                            {
                                var row = d.Slice(j * h, h);
                                for (var c = 0; c < h; c++)
                                {
                                    row[c] += g[c] / counts[i];
                                }
                            }
                        }
                    }

                    o += h;
                }

                if (max)
                {
                    var at = argmax!.AsSpan(((i * k) + l) * h, h);
                    for (var c = 0; c < h; c++)
                    {
                        if (at[c] >= 0)
                        {
                            d[(at[c] * h) + c] += gradOutput[o + c];
                        }
                    }

                    o += h;
                }

                if (first)
                {
                    for (var c = 0; c < h; c++)
                    {
                        d[c] += gradOutput[o + c];
                    }
                }
            }

            inputs[l].AccumulateGrad(dx);
        }

        ArrayPoolBuffer.Return(buf);
    }
}
