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
        ReadOnlySpan<float> ws = weight is null ? default : weight.Span, bs = bias is null ? default : bias.Span;
        for (var r = 0; r < rows; r++)
        {
            NormalizeRow(xs.Slice(r * d, d), ws, bs, eps, ys.Slice(r * d, d), out mu[r], out inv[r]);
        }

        return ShouldRecord(x, weight, bias) ? Tape.Record(y, new LayerNormOp(x, weight, bias, mu, inv)) : y;
    }

    /// <summary>Normalizes one row (statistics in double precision) into <paramref name="outRow"/>, scaled by γ and shifted
    /// by β where present; returns the row's mean and 1/√(σ² + ε).</summary>
    internal static void NormalizeRow(ReadOnlySpan<float> row, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, double eps, Span<float> outRow,
        out float mean, out float invStd)
    {
        var d = row.Length;
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

        mean = (float)meanD;
        invStd = (float)(1.0 / Math.Sqrt((sq / d) + eps));
        for (var j = 0; j < d; j++)
        {
            var v = (row[j] - mean) * invStd;
            if (!weight.IsEmpty)
            {
                v *= weight[j];
            }

            if (!bias.IsEmpty)
            {
                v += bias[j];
            }

            outRow[j] = v;
        }
    }

    /// <summary>The backward pass of one row: adds g·x̂ into <paramref name="dw"/> and g into <paramref name="db"/> unless
    /// they are empty, and writes the row's input gradient into <paramref name="dx"/> unless it is empty.</summary>
    internal static void BackwardRow(ReadOnlySpan<float> row, ReadOnlySpan<float> g, ReadOnlySpan<float> weight, float mean, float invStd,
        Span<double> dw, Span<double> db, Span<float> dx)
    {
        var d = row.Length;
        var sumH = 0.0;
        var sumHx = 0.0;
        var affine = !dw.IsEmpty;
        for (var j = 0; j < d; j++)
        {
            var gv = g[j];
            var xhat = (row[j] - mean) * (double)invStd;
            var h = gv * (weight.IsEmpty ? 1.0 : weight[j]);
            sumH += h;
            sumHx += h * xhat;
            if (affine)
            {
                dw[j] += gv * xhat;
                db[j] += gv;
            }
        }

        if (dx.IsEmpty)
        {
            return;
        }

        var meanH = sumH / d;
        var meanHx = sumHx / d;
        for (var j = 0; j < d; j++)
        {
            var xhat = (row[j] - mean) * (double)invStd;
            var h = g[j] * (weight.IsEmpty ? 1.0 : weight[j]);
            dx[j] = (float)(invStd * (h - meanH - (xhat * meanHx)));
        }
    }

    /// <summary>The affine gradients of columns [<paramref name="first"/>, <paramref name="first"/> + dw.Length) of a
    /// row: adds g·x̂ into <paramref name="dw"/> and g into <paramref name="db"/>, with the arithmetic of
    /// <see cref="BackwardRow"/> (so summing rows in order gives the same bits).</summary>
    internal static void AffineColumns(ReadOnlySpan<float> row, ReadOnlySpan<float> g, float mean, float invStd, int first,
        Span<double> dw, Span<double> db)
    {
        for (var j = 0; j < dw.Length; j++)
        {
            var gv = g[first + j];
            var xhat = (row[first + j] - mean) * (double)invStd;
            dw[j] += gv * xhat;
            db[j] += gv;
        }
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
            BackwardRow(xs.Slice(r * d, d), gradOutput.Slice(r * d, d), weight is null ? default : weight.Span, mean[r], invStd[r], dw, db,
                dxBuf is null ? default : dxBuf.AsSpan(r * d, d));
        }

        AccumulateGradients(dxBuf, dw, db);
    }
}
