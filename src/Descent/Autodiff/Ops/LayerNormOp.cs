namespace Descent.Autodiff.Ops;

/// <summary>
/// Layer normalization over the last dimensions (torch.nn.functional.layer_norm): each row of D values
/// (D = product of the normalized shape) becomes (x − μ) / √(σ² + ε) · γ + β with the row's mean and
/// biased variance; γ and β have the normalized shape (or are absent).
/// </summary>
/// <remarks>Backward per row, x̂ the normalized row and h = g·γ:
/// dx = (h − mean(h) − x̂ · mean(h·x̂)) / √(σ² + ε); dγ = Σ_rows g·x̂; dβ = Σ_rows g.
/// Statistics are accumulated in double precision.</remarks>
internal sealed class LayerNormOp : NormalizationOp
{
    private LayerNormOp(Tensor x, Tensor? weight, Tensor? bias, float[] mean, float[] invStd)
        : base(x, weight, bias, mean, invStd)
    {
    }

    public override string Name => "NativeLayerNormBackward";

    public static Tensor Forward(Tensor x, ReadOnlySpan<int> normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        var k = normalizedShape.Length;
        if (k == 0 || x.Rank < k || !x.Shape[(x.Rank - k)..].SequenceEqual(normalizedShape))
        {
            throw new ShapeMismatchException("LayerNorm", x.Shape, normalizedShape,
                "the input's last dimensions must equal the normalized shape");
        }

        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (t is not null && !t.Shape.SequenceEqual(normalizedShape))
            {
                throw new ShapeMismatchException("LayerNorm", normalizedShape, t.Shape, $"{name} must have the normalized shape");
            }
        }

        var d = ShapeUtil.Count(normalizedShape);
        var rows = d == 0 ? 0 : x.Length / d;
        var xs = x.Span;
        var y = Tensor.Output(x.Shape);
        var ys = y.Span;
        var mu = Workspace.SavedFloats(rows);
        var inv = Workspace.SavedFloats(rows);
        for (var r = 0; r < rows; r++)
        {
            var row = xs.Slice(r * d, d);
            var sum = 0.0;
            foreach (var v in row)
            {
                sum += v;
            }

            var meanD = sum / d;
            var sq = 0.0;
            foreach (var v in row)
            {
                sq += (v - meanD) * (v - meanD);
            }

            mu[r] = (float)meanD;
            inv[r] = (float)(1.0 / Math.Sqrt((sq / d) + eps));
            var outRow = ys.Slice(r * d, d);
            for (var j = 0; j < d; j++)
            {
                var v = (row[j] - mu[r]) * inv[r];
                if (weight is not null)
                {
                    v *= weight.Span[j];
                }

                if (bias is not null)
                {
                    v += bias.Span[j];
                }

                outRow[j] = v;
            }
        }

        return ShouldRecord(x, weight, bias) ? Tape.Record(y, new LayerNormOp(x, weight, bias, mu, inv)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var weight = Weight;
        var mean = Mean;
        var invStd = InvStd;
        var rows = mean.Length;
        var d = rows == 0 ? 0 : x.Length / rows;
        var xs = x.Span;
        var dw = new double[d];
        var db = new double[d];
        var dxBuf = x.RequiresGrad ? ArrayPoolBuffer.Rent(x.Length) : null;
        for (var r = 0; r < rows; r++)
        {
            var sumH = 0.0;
            var sumHx = 0.0;
            for (var j = 0; j < d; j++)
            {
                var gv = gradOutput[(r * d) + j];
                var xhat = (xs[(r * d) + j] - mean[r]) * (double)invStd[r];
                var h = gv * (weight is null ? 1.0 : weight.Span[j]);
                sumH += h;
                sumHx += h * xhat;
                dw[j] += gv * xhat;
                db[j] += gv;
            }

            if (dxBuf is null)
            {
                continue;
            }

            var meanH = sumH / d;
            var meanHx = sumHx / d;
            for (var j = 0; j < d; j++)
            {
                var xhat = (xs[(r * d) + j] - mean[r]) * (double)invStd[r];
                var h = gradOutput[(r * d) + j] * (weight is null ? 1.0 : weight.Span[j]);
                dxBuf[(r * d) + j] = (float)(invStd[r] * (h - meanH - (xhat * meanHx)));
            }
        }

        AccumulateGradients(dxBuf, dw, db);
    }
}
