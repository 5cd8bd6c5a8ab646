using System.Buffers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// LayerNorm(dropout(x) + residual) in one pass (the post-LayerNorm transformer sub-layer output): each row of x and
/// the residual is read once, the sum z lives only in a row buffer, and y is written once. Nothing of size x is saved:
/// the backward pass recomputes z from x, the residual and the dropout mask (kept as bits), then runs LayerNorm's
/// backward and routes dz to the residual and dz ⊙ mask/(1 − p) to x.
/// </summary>
/// <remarks>The dropout mask is drawn exactly as <see cref="DropoutOp"/> draws it (element order of x,
/// <see cref="DropoutBits"/>), z = x·m + r in float as the unfused dropout-then-add computes it, and the normalization is
/// <see cref="LayerNormOp"/>'s row kernel, so the output equals the unfused ops' bit for bit given the same generator.</remarks>
internal sealed class ResidualLayerNormOp : NormalizationOp
{
    private readonly int[]? keep;
    private readonly float keepScale;

    private ResidualLayerNormOp(Tensor x, Tensor residual, Tensor? weight, Tensor? bias, float[] mean, float[] invStd, int[]? keep, float keepScale)
        : base([x, residual], weight, bias, mean, invStd)
    {
        this.keep = keep;
        this.keepScale = keepScale;
    }

    public override string Name => "FusedResidualLayerNormBackward";

    /// <summary>LayerNorm over the last dimension (γ, β of that size or absent) of dropout(x) + residual, dropout p
    /// (0: none) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Forward(Tensor x, Tensor residual, Tensor? weight, Tensor? bias, double eps, double dropout, Rng? rng)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(residual);
        if (x.Rank == 0 || !residual.Shape.SequenceEqual(x.Shape))
        {
            throw new ShapeMismatchException("ResidualLayerNorm", x.Shape, residual.Shape, "the residual must have the input's shape");
        }

        var d = x.Shape[^1];
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != d))
            {
                throw new ShapeMismatchException("ResidualLayerNorm", [d], t.Shape, $"{name} must have the last dimension's size");
            }
        }

        if (!(dropout >= 0 && dropout <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1]");
        }

        if (dropout > 0)
        {
            ArgumentNullException.ThrowIfNull(rng);
        }

        var rows = d == 0 ? 0 : x.Length / d;
        var record = ShouldRecord(x, weight, bias) || Tape.ShouldRecord(residual);
        int[]? bits = null;
        if (dropout > 0)
        {
            var words = DropoutBits.Words(x.Length);
            bits = record ? Workspace.SavedInts(words) : ArrayPool<int>.Shared.Rent(words);
            DropoutBits.Fill(rng!, dropout, bits, x.Length);
        }

        var keepScale = DropoutBits.KeepScale(dropout);
        var y = Tensor.Output(x.Shape);
        var mu = Workspace.SavedFloats(rows);
        var inv = Workspace.SavedFloats(rows);
        var z = ArrayPoolBuffer.Rent(d);
        ReadOnlySpan<float> xs = x.Span, rs = residual.Span;
        var ys = y.Span;
        for (var r = 0; r < rows; r++)
        {
            var row = Sum(xs.Slice(r * d, d), rs.Slice(r * d, d), bits, (long)r * d, keepScale, z.AsSpan(0, d));
            LayerNormOp.NormalizeRow(row, weight, bias, eps, ys.Slice(r * d, d), out mu[r], out inv[r]);
        }

        ArrayPoolBuffer.Return(z);
        if (!record)
        {
            if (bits is not null)
            {
                ArrayPool<int>.Shared.Return(bits);
            }

            return y;
        }

        return Tape.Record(y, new ResidualLayerNormOp(x, residual, weight, bias, mu, inv, bits, keepScale));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        Tensor x = Inputs[0], residual = Inputs[1];
        var rows = Mean.Length;
        var d = rows == 0 ? 0 : x.Length / rows;
        var weight = Weight;
        var dw = new double[d];
        var db = new double[d];
        var needX = x.RequiresGrad;
        var needResidual = residual.RequiresGrad;
        var dz = needX || needResidual ? ArrayPoolBuffer.Rent(x.Length) : null;
        var z = ArrayPoolBuffer.Rent(d);
        ReadOnlySpan<float> xs = x.Span, rs = residual.Span;
        for (var r = 0; r < rows; r++)
        {
            var row = Sum(xs.Slice(r * d, d), rs.Slice(r * d, d), keep, (long)r * d, keepScale, z.AsSpan(0, d));
            LayerNormOp.BackwardRow(row, gradOutput.Slice(r * d, d), weight, Mean[r], InvStd[r], dw, db,
                dz is null ? default : dz.AsSpan(r * d, d));
        }

        ArrayPoolBuffer.Return(z);
        if (dz is not null)
        {
            var g = dz.AsSpan(0, x.Length);
            if (needResidual)
            {
                residual.AccumulateGrad(g);
            }

            if (needX)
            {
                if (keep is not null)
                {
                    for (var i = 0; i < g.Length; i++)
                    {
                        g[i] *= DropoutBits.Keeps(keep, i) ? keepScale : 0f;
                    }
                }

                x.AccumulateGrad(g);
            }

            ArrayPoolBuffer.Return(dz);
        }

        AccumulateGradients(null, dw, db);
    }

    /// <summary>z = x·mask + r for one row (x + r without dropout), as the unfused dropout then add computes it.</summary>
    private static ReadOnlySpan<float> Sum(ReadOnlySpan<float> x, ReadOnlySpan<float> r, int[]? keep, long first, float keepScale, Span<float> z)
    {
        if (keep is null)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(x, r, z);
            return z;
        }

        for (var j = 0; j < z.Length; j++)
        {
            z[j] = (x[j] * (DropoutBits.Keeps(keep, first + j) ? keepScale : 0f)) + r[j];
        }

        return z;
    }
}
