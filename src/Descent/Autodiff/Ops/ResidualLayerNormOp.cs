using System.Buffers;
using Descent.Numerics;

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
internal sealed unsafe class ResidualLayerNormOp : NormalizationOp
{
    [ThreadStatic]
    private static Job? job;

    [ThreadStatic]
    private static float[]? rowBuffer;

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
        fixed (float* px = x.Span, pr = residual.Span, py = y.Span)
        {
            var j = job ??= new Job();
            try
            {
                j.Set(px, pr, d, bits, keepScale, weight, bias, mu, inv);
                j.Y = py;
                j.Eps = eps;
                j.Run(Phase.Forward, rows);
            }
            finally
            {
                j.Clear();
            }
        }

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
        fixed (float* px = x.Span, pr = residual.Span, pg = gradOutput, pdz = dz)
        {
            var j = job ??= new Job();
            try
            {
                j.Set(px, pr, d, keep, keepScale, weight, Bias, Mean, InvStd);
                j.G = pg;
                if (pdz is not null)
                {
                    j.Dz = pdz;
                    j.Run(Phase.RowGradients, rows);
                }

                if (Weight is { RequiresGrad: true } || Bias is { RequiresGrad: true })
                {
                    j.Dw = dw;
                    j.Db = db;
                    j.Run(Phase.AffineGradients, d);
                }
            }
            finally
            {
                j.Clear();
            }
        }

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

    private enum Phase
    {
        Forward,
        RowGradients,
        AffineGradients,
    }

    private static Span<float> RowBuffer(int length)
    {
        if (rowBuffer is null || rowBuffer.Length < length)
        {
            rowBuffer = new float[length];
        }

        return rowBuffer.AsSpan(0, length);
    }

    /// <summary>The rows (forward, input gradients) or the columns (γ and β gradients, each column summed over the rows in
    /// order, as the unfused backward pass sums them) of one call, split across the cores.</summary>
    private sealed class Job : IRangeJob
    {
        public float* X, R, Y, G, Dz;
        public double Eps;
        public double[]? Dw, Db;
        private int width, rows;
        private int[]? keep;
        private float keepScale;
        private Tensor? weight, bias;
        private float[]? mean, invStd;
        private Phase phase;

        public void Set(float* x, float* r, int width, int[]? keep, float keepScale, Tensor? weight, Tensor? bias, float[] mean, float[] invStd)
        {
            X = x;
            R = r;
            this.width = width;
            this.keep = keep;
            this.keepScale = keepScale;
            this.weight = weight;
            this.bias = bias;
            this.mean = mean;
            this.invStd = invStd;
            rows = mean.Length;
        }

        public void Run(Phase phase, int length)
        {
            this.phase = phase;

            // Enough elements per worker to pay for the hand-off: ≈ 16 K values.
            var perItem = phase == Phase.AffineGradients ? rows : width;
            ParallelRange.For(length, Math.Max(1, (1 << 14) / Math.Max(1, perItem)), this);
        }

        public void Execute(int start, int end)
        {
            var d = width;
            ReadOnlySpan<float> ws = weight is null ? default : weight.Span, bs = bias is null ? default : bias.Span;
            if (phase == Phase.AffineGradients)
            {
                var n = end - start;
                var zc = RowBuffer(n);
                var dw = Dw!.AsSpan(start, n);
                var db = Db!.AsSpan(start, n);
                for (var r = 0; r < rows; r++)
                {
                    var at = ((long)r * d) + start;
                    var z = Sum(new ReadOnlySpan<float>(X + at, n), new ReadOnlySpan<float>(R + at, n), keep, at, keepScale, zc);
                    LayerNormOp.AffineColumns(z, new ReadOnlySpan<float>(G + at, n), mean![r], invStd![r], 0, dw, db);
                }

                return;
            }

            var buffer = RowBuffer(d);
            for (var r = start; r < end; r++)
            {
                var at = (long)r * d;
                var z = Sum(new ReadOnlySpan<float>(X + at, d), new ReadOnlySpan<float>(R + at, d), keep, at, keepScale, buffer);
                if (phase == Phase.Forward)
                {
                    LayerNormOp.NormalizeRow(z, ws, bs, Eps, new Span<float>(Y + at, d), out mean![r], out invStd![r]);
                }
                else
                {
                    LayerNormOp.BackwardRow(z, new ReadOnlySpan<float>(G + at, d), ws, mean![r], invStd![r], default, default,
                        new Span<float>(Dz + at, d));
                }
            }
        }

        public void Clear()
        {
            X = R = Y = G = Dz = null;
            Dw = Db = null;
            keep = null;
            weight = bias = null;
            mean = invStd = null;
        }
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
