namespace Descent.Autodiff.Ops;

/// <summary>
/// Batch normalization of x [N, C, …] per channel c: y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c
/// (torch.nn.functional.batch_norm). In training mode μ and σ² are the batch mean and biased variance
/// over N and the spatial positions, and the running statistics are updated as
/// r ← (1 − m)·r + m·s with the <em>unbiased</em> variance for the running variance; in evaluation mode the
/// running statistics are used and not changed.
/// </summary>
/// <remarks>
/// Backward with batch statistics, per channel over its M values: with x̂ the normalized input,
/// dx = γ/√(σ² + ε) · (g − mean(g) − x̂ · mean(g·x̂)); dγ = Σ g·x̂; dβ = Σ g. With running statistics the
/// normalization is an affine map: dx = g · γ/√(σ² + ε). Statistics are accumulated in double precision.
/// </remarks>
internal sealed class BatchNormOp : NormalizationOp
{
    private readonly bool batchStats;

    private BatchNormOp(Tensor x, Tensor? weight, Tensor? bias, float[] mean, float[] invStd, bool batchStats)
        : base(x, weight, bias, mean, invStd)
    {
        this.batchStats = batchStats;
    }

    public override string Name => "NativeBatchNormBackward";

    /// <param name="x">Input [N, C, …].</param>
    /// <param name="weight">γ [C] or null (1).</param>
    /// <param name="bias">β [C] or null (0).</param>
    /// <param name="runningMean">Running mean [C] or null (then batch statistics are always used).</param>
    /// <param name="runningVar">Running variance [C] or null.</param>
    /// <param name="useBatchStatistics">True in training mode (or without running statistics).</param>
    /// <param name="momentum">Weight m of the new statistic in the running average.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor Forward(Tensor x, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool useBatchStatistics, double momentum, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
        {
            throw new ArgumentException($"BatchNorm: input must be [N, C, …], got shape {ShapeUtil.Format(x.Shape)}", nameof(x));
        }

        var n = x.Shape[0];
        var c = x.Shape[1];
        var s = x.Length / Math.Max(n * c, 1);
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias"), (runningMean, "running_mean"), (runningVar, "running_var") })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != c))
            {
                throw new ShapeMismatchException("BatchNorm", x.Shape, t.Shape, $"{name} must be [{c}] for {c} channels");
            }
        }

        var batch = useBatchStatistics || runningMean is null || runningVar is null;
        var m = (long)n * s;
        if (batch && m <= 1)
        {
            throw new ArgumentException(
                $"BatchNorm: expected more than 1 value per channel when training, got input of shape {ShapeUtil.Format(x.Shape)}", nameof(x));
        }

        var xs = x.Span;
        var mu = new float[c];
        var inv = new float[c];
        for (var ch = 0; ch < c; ch++)
        {
            if (batch)
            {
                var sum = 0.0;
                for (var i = 0; i < n; i++)
                {
                    foreach (var v in xs.Slice(((i * c) + ch) * s, s))
                    {
                        sum += v;
                    }
                }

                var meanD = sum / m;
                var sq = 0.0;
                for (var i = 0; i < n; i++)
                {
                    foreach (var v in xs.Slice(((i * c) + ch) * s, s))
                    {
                        var d = v - meanD;
                        sq += d * d;
                    }
                }

                var varD = sq / m;
                mu[ch] = (float)meanD;
                inv[ch] = (float)(1.0 / Math.Sqrt(varD + eps));
                if (runningMean is not null && runningVar is not null && useBatchStatistics)
                {
                    var rm = runningMean.Span;
                    var rv = runningVar.Span;
                    rm[ch] = (float)(((1 - momentum) * rm[ch]) + (momentum * meanD));
                    rv[ch] = (float)(((1 - momentum) * rv[ch]) + (momentum * varD * m / (m - 1)));
                }
            }
            else
            {
                mu[ch] = runningMean!.Span[ch];
                inv[ch] = (float)(1.0 / Math.Sqrt(runningVar!.Span[ch] + eps));
            }
        }

        var y = new Tensor(x.Shape);
        var ys = y.Span;
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                var scale = inv[ch] * (weight is null ? 1f : weight.Span[ch]);
                var shift = bias is null ? 0f : bias.Span[ch];
                var mch = mu[ch];
                var o = ((i * c) + ch) * s;
                for (var k = 0; k < s; k++)
                {
                    ys[o + k] = ((xs[o + k] - mch) * scale) + shift;
                }
            }
        }

        return ShouldRecord(x, weight, bias) ? Tape.Record(y, new BatchNormOp(x, weight, bias, mu, inv, batch)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var weight = Weight;
        var mean = Mean;
        var invStd = InvStd;
        var n = x.Shape[0];
        var c = x.Shape[1];
        var s = x.Length / Math.Max(n * c, 1);
        var m = (double)n * s;
        var xs = x.Span;
        var dw = new double[c];
        var db = new double[c];
        var dxBuf = x.RequiresGrad ? ArrayPoolBuffer.Rent(x.Length) : null;
        for (var ch = 0; ch < c; ch++)
        {
            var sumG = 0.0;
            var sumGx = 0.0;
            for (var i = 0; i < n; i++)
            {
                var o = ((i * c) + ch) * s;
                for (var k = 0; k < s; k++)
                {
                    var gv = gradOutput[o + k];
                    sumG += gv;
                    sumGx += gv * ((xs[o + k] - mean[ch]) * (double)invStd[ch]);
                }
            }

            dw[ch] = sumGx;
            db[ch] = sumG;
            if (dxBuf is null)
            {
                continue;
            }

            var gamma = weight is null ? 1.0 : weight.Span[ch];
            var scale = gamma * invStd[ch];
            var meanG = sumG / m;
            var meanGx = sumGx / m;
            for (var i = 0; i < n; i++)
            {
                var o = ((i * c) + ch) * s;
                for (var k = 0; k < s; k++)
                {
                    if (batchStats)
                    {
                        var xhat = (xs[o + k] - mean[ch]) * (double)invStd[ch];
                        dxBuf[o + k] = (float)(scale * (gradOutput[o + k] - meanG - (xhat * meanGx)));
                    }
                    else
                    {
                        dxBuf[o + k] = (float)(scale * gradOutput[o + k]);
                    }
                }
            }
        }

        AccumulateGradients(dxBuf, dw, db);
    }
}
