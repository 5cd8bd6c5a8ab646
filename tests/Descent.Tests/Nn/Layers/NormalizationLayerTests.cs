using Descent.Nn;

namespace Descent.Tests.Nn.Layers;

public sealed class NormalizationLayerTests
{
    /// <summary>Double reference of batch norm; with batch statistics when <paramref name="rm"/> is null.</summary>
    private static double[] BatchNormReference(double[] x, double[]? gamma, double[]? beta, double[]? rm, double[]? rv, int n, int c, int s, double eps)
    {
        var y = new double[x.Length];
        for (var ch = 0; ch < c; ch++)
        {
            double mean, variance;
            if (rm is null)
            {
                var vals = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, s).Select(k => x[(((i * c) + ch) * s) + k])).ToArray();
                mean = vals.Average();
                variance = vals.Select(v => (v - mean) * (v - mean)).Average();
            }
            else
            {
                mean = rm[ch];
                variance = rv![ch];
            }

            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < s; k++)
                {
                    var idx = (((i * c) + ch) * s) + k;
                    y[idx] = ((x[idx] - mean) / Math.Sqrt(variance + eps) * (gamma?[ch] ?? 1.0)) + (beta?[ch] ?? 0.0);
                }
            }
        }

        return y;
    }

    private static void Randomize(Tensor t, Rng rng, float low, float high)
    {
        for (var i = 0; i < t.Length; i++)
        {
            t[i] = low + ((high - low) * rng.NextFloat());
        }
    }

    [Theory]
    [InlineData(4, 3, 5, 5)]
    [InlineData(3, 2, 1, 1)]
    public void BatchNorm2dTrainingMatchesReferenceAndFiniteDifferences(int n, int c, int h, int w)
    {
        var rng = new Rng(8);
        var bn = new BatchNorm2d(c);
        Randomize(bn.Weight!, rng, 0.5f, 1.5f);
        Randomize(bn.Bias!, rng, -0.5f, 0.5f);
        var x = Tensor.Normal(rng, 0.3f, 2f, n, c, h, w);
        x.RequiresGrad = true;
        LayerGradCheck.Check(
            () => bn.Forward(x),
            v => BatchNormReference(v[0], v[1], v[2], null, null, n, c, h * w, 1e-5),
            [x, bn.Weight!, bn.Bias!],
            forwardRtol: 1e-5, forwardAtol: 1e-5);
    }

    [Fact]
    public void BatchNormRunningStatisticsFollowPyTorch()
    {
        var rng = new Rng(9);
        var bn = new BatchNorm2d(2);
        var x = Tensor.Normal(rng, 1f, 3f, 3, 2, 2, 2);
        using (Descent.Autodiff.Tape.NoGrad())
        {
            bn.Forward(x);
            bn.Forward(x);
        }

        var xs = x.ToArray();
        for (var ch = 0; ch < 2; ch++)
        {
            var vals = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 4).Select(k => (double)xs[(((i * 2) + ch) * 4) + k])).ToArray();
            var mean = vals.Average();
            var unbiased = vals.Select(v => (v - mean) * (v - mean)).Sum() / (vals.Length - 1);
            var rm = 0.0;
            var rv = 1.0;
            for (var step = 0; step < 2; step++)
            {
                rm = (0.9 * rm) + (0.1 * mean);
                rv = (0.9 * rv) + (0.1 * unbiased);
            }

            Assert.Equal(rm, bn.RunningMean![ch], 5);
            Assert.Equal(rv, bn.RunningVar![ch], 5);
        }

        Assert.Equal(2f, bn.NumBatchesTracked!.Item());
        Assert.Equal(0, bn.NumBatchesTracked.Rank);
        Assert.Equal(
            ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"],
            bn.StateDict().Keys.OrderBy(k => k switch { "weight" => 0, "bias" => 1, "running_mean" => 2, "running_var" => 3, _ => 4 }));
    }

    [Fact]
    public void BatchNormCumulativeAverageWhenMomentumIsNull()
    {
        var bn = new BatchNorm1d(1, momentum: null);
        bn.Forward(Tensor.FromArray([1f, 3f], 2, 1));
        bn.Forward(Tensor.FromArray([5f, 7f], 2, 1));
        Assert.Equal(4f, bn.RunningMean![0], 5);
        Assert.Equal(2f, bn.RunningVar![0], 5);
    }

    [Fact]
    public void BatchNormEvalUsesRunningStatisticsAndDoesNotUpdateThem()
    {
        var rng = new Rng(10);
        var bn = new BatchNorm1d(3);
        Randomize(bn.Weight!, rng, 0.5f, 1.5f);
        Randomize(bn.Bias!, rng, -0.5f, 0.5f);
        Randomize(bn.RunningMean!, rng, -1f, 1f);
        Randomize(bn.RunningVar!, rng, 0.5f, 2f);
        bn.Eval();
        var rm = bn.RunningMean!.ToArray().Select(v => (double)v).ToArray();
        var rv = bn.RunningVar!.ToArray().Select(v => (double)v).ToArray();
        var x = Tensor.Normal(rng, 0f, 1f, 4, 3, 2);
        x.RequiresGrad = true;
        LayerGradCheck.Check(
            () => bn.Forward(x),
            v => BatchNormReference(v[0], v[1], v[2], rm, rv, 4, 3, 2, 1e-5),
            [x, bn.Weight!, bn.Bias!]);
        Assert.Equal(rm.Select(v => (float)v), bn.RunningMean.ToArray());
        Assert.Equal(0f, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void BatchNorm1dTwoDimensionalInputAndErrors()
    {
        var rng = new Rng(11);
        var bn = new BatchNorm1d(4, affine: false);
        var x = Tensor.Normal(rng, 0f, 1f, 5, 4);
        x.RequiresGrad = true;
        LayerGradCheck.Check(() => bn.Forward(x), v => BatchNormReference(v[0], null, null, null, null, 5, 4, 1, 1e-5), [x], forwardAtol: 1e-5);
        Assert.Empty(bn.NamedParameters());
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(5, 3)));
        Assert.Contains("BatchNorm1d(4)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => bn.Forward(new Tensor(1, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(3, momentum: 1.5));
    }

    [Fact]
    public void LayerNormMatchesReferenceAndFiniteDifferences()
    {
        var rng = new Rng(12);
        var ln = new LayerNorm([3, 4]);
        Randomize(ln.Weight!, rng, 0.5f, 1.5f);
        Randomize(ln.Bias!, rng, -0.5f, 0.5f);
        var x = Tensor.Normal(rng, 0.5f, 2f, 2, 3, 3, 4);
        x.RequiresGrad = true;
        LayerGradCheck.Check(
            () => ln.Forward(x),
            v =>
            {
                var y = new double[v[0].Length];
                for (var r = 0; r < 6; r++)
                {
                    var row = v[0].Skip(r * 12).Take(12).ToArray();
                    var mean = row.Average();
                    var variance = row.Select(a => (a - mean) * (a - mean)).Average();
                    for (var j = 0; j < 12; j++)
                    {
                        y[(r * 12) + j] = ((row[j] - mean) / Math.Sqrt(variance + 1e-5) * v[1][j]) + v[2][j];
                    }
                }

                return y;
            },
            [x, ln.Weight!, ln.Bias!],
            forwardAtol: 1e-5);
        Assert.Throws<ShapeMismatchException>(() => ln.Forward(new Tensor(2, 4, 3)));
    }

    [Fact]
    public void DropoutMaskIsSeededInvertedAndIdentityInEval()
    {
        var x = Tensor.Normal(new Rng(13), 0f, 1f, 4, 50);
        x.RequiresGrad = true;
        var drop = new Dropout(0.3, seed: 21);
        var expectedRng = new Rng(21);
        var mask = Enumerable.Range(0, x.Length).Select(_ => expectedRng.NextDouble() >= 0.3 ? 1.0 / 0.7 : 0.0).ToArray();
        LayerGradCheck.Check(() => drop.Forward(x), v => v[0].Select((a, i) => a * mask[i]).ToArray(), [x], forwardRtol: 1e-6);
        var zeros = mask.Count(m => m == 0);
        Assert.InRange(zeros, 30, 90);
        drop.Eval();
        Assert.Same(x, drop.Forward(x));
        Assert.Same(x, new Dropout(0.0).Forward(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
    }

    [Fact]
    public void EmbeddingGathersRowsAndScatterAddsGradients()
    {
        var rng = new Rng(14);
        var emb = new Embedding(6, 3, rng, paddingIndex: 2);
        Assert.Equal([0f, 0f, 0f], emb.Weight.Span.Slice(6, 3).ToArray());
        int[] idx = [1, 4, 2, 1, 0, 5];
        var y = emb.Forward(idx, 2, 3);
        Assert.Equal([2, 3, 3], y.Shape.ToArray());
        var g = Tensor.Normal(rng, 0f, 1f, 2, 3, 3);
        y.Backward(g);
        var expected = new float[18];
        for (var i = 0; i < idx.Length; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(emb.Weight[(idx[i] * 3) + j], y[(i * 3) + j]);
                if (idx[i] != 2)
                {
                    expected[(idx[i] * 3) + j] += g[(i * 3) + j];
                }
            }
        }

        Assert.Equal(expected, emb.Weight.Grad!.ToArray());
        var fromTensor = emb.Forward(Tensor.FromArray([1f, 4f], 2));
        Assert.Equal(emb.Weight.Span.Slice(3, 3).ToArray(), fromTensor.Span[..3].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward([6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.FromArray([1.5f])));
    }
}
