using Descent.Nn;

namespace Descent.Tests.Nn.Layers;

public sealed class ConvPoolTests
{
    private static double[] ConvReference(double[] x, double[] w, double[]? b, int n, int c, int h, int wd, int o, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var ho = ((h + (2 * ph) - kh) / sh) + 1;
        var wo = ((wd + (2 * pw) - kw) / sw) + 1;
        var y = new double[n * o * ho * wo];
        for (var ni = 0; ni < n; ni++)
        {
            for (var oc = 0; oc < o; oc++)
            {
                for (var i = 0; i < ho; i++)
                {
                    for (var j = 0; j < wo; j++)
                    {
                        var s = b?[oc] ?? 0.0;
                        for (var ci = 0; ci < c; ci++)
                        {
                            for (var a = 0; a < kh; a++)
                            {
                                for (var bb = 0; bb < kw; bb++)
                                {
                                    var ii = (i * sh) - ph + a;
                                    var jj = (j * sw) - pw + bb;
                                    if (ii >= 0 && ii < h && jj >= 0 && jj < wd)
                                    {
                                        s += x[(((ni * c) + ci) * h * wd) + (ii * wd) + jj] * w[(((oc * c) + ci) * kh * kw) + (a * kw) + bb];
                                    }
                                }
                            }
                        }

                        y[(((ni * o) + oc) * ho * wo) + (i * wo) + j] = s;
                    }
                }
            }
        }

        return y;
    }

    [Theory]
    [InlineData(2, 3, 7, 6, 4, 3, 1, 0, true)]
    [InlineData(2, 2, 6, 7, 3, 3, 1, 1, true)]
    [InlineData(1, 3, 9, 8, 2, 3, 2, 1, false)]
    [InlineData(3, 1, 5, 5, 2, 2, 2, 0, true)]
    [InlineData(1, 2, 4, 4, 3, 1, 3, 2, true)]
    public void Conv2dMatchesReferenceAndFiniteDifferences(int n, int c, int h, int w, int o, int k, int stride, int padding, bool bias)
    {
        var rng = new Rng(5);
        var conv = new Conv2d(c, o, k, rng, stride, padding, bias);
        var x = Tensor.Normal(rng, 0f, 1f, n, c, h, w);
        x.RequiresGrad = true;
        Tensor[] inputs = bias ? [x, conv.Weight, conv.Bias!] : [x, conv.Weight];
        LayerGradCheck.Check(
            () => conv.Forward(x),
            v => ConvReference(v[0], v[1], bias ? v[2] : null, n, c, h, w, o, k, k, stride, stride, padding, padding),
            inputs);
        var ho = ((h + (2 * padding) - k) / stride) + 1;
        Assert.Equal([n, o, ho, ((w + (2 * padding) - k) / stride) + 1], conv.Forward(x).Shape.ToArray());
    }

    [Fact]
    public void Conv2dRectangularKernelAndStride()
    {
        var rng = new Rng(6);
        var conv = new Conv2d(2, 3, (2, 3), rng, (2, 1), (1, 0));
        var x = Tensor.Normal(rng, 0f, 1f, 2, 2, 5, 6);
        x.RequiresGrad = true;
        LayerGradCheck.Check(
            () => conv.Forward(x),
            v => ConvReference(v[0], v[1], v[2], 2, 2, 5, 6, 3, 2, 3, 2, 1, 1, 0),
            [x, conv.Weight, conv.Bias!]);
    }

    [Fact]
    public void Conv2dInitializationAndErrors()
    {
        var conv = new Conv2d(3, 4, 3, new Rng(1));
        Assert.Equal([4, 3, 3, 3], conv.Weight.Shape.ToArray());
        var bound = 1f / MathF.Sqrt(27);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.Equal(["weight", "bias"], conv.NamedParameters().Select(p => p.Name));
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(1, 2, 5, 5)));
        Assert.Contains("2 channels", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => conv.Forward(new Tensor(2, 5, 5)));
        Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor(1, 3, 2, 2)));
    }

    private static double[] PoolReference(double[] x, int n, int c, int h, int w, int k, int s, int p)
    {
        var ho = ((h + (2 * p) - k) / s) + 1;
        var wo = ((w + (2 * p) - k) / s) + 1;
        var y = new double[n * c * ho * wo];
        var o = 0;
        for (var plane = 0; plane < n * c; plane++)
        {
            for (var i = 0; i < ho; i++)
            {
                for (var j = 0; j < wo; j++)
                {
                    var best = double.NegativeInfinity;
                    for (var a = 0; a < k; a++)
                    {
                        for (var b = 0; b < k; b++)
                        {
                            var ii = (i * s) - p + a;
                            var jj = (j * s) - p + b;
                            if (ii >= 0 && ii < h && jj >= 0 && jj < w)
                            {
                                best = Math.Max(best, x[(plane * h * w) + (ii * w) + jj]);
                            }
                        }
                    }

                    y[o++] = best;
                }
            }
        }

        return y;
    }

    [Theory]
    [InlineData(2, 3, 6, 6, 2, null, 0)]
    [InlineData(1, 2, 7, 5, 2, null, 0)]
    [InlineData(2, 1, 7, 7, 3, 2, 1)]
    [InlineData(1, 2, 5, 6, 3, 1, 0)]
    public void MaxPool2dMatchesReferenceAndFiniteDifferences(int n, int c, int h, int w, int k, int? stride, int padding)
    {
        var pool = new MaxPool2d(k, stride, padding);
        var x = LayerGradCheck.Distinct(new Rng(3), n, c, h, w);
        x.RequiresGrad = true;
        LayerGradCheck.Check(() => pool.Forward(x), v => PoolReference(v[0], n, c, h, w, k, stride ?? k, padding), [x]);
    }

    [Fact]
    public void TheCheckerDetectsAGradientWrongByOnePercent()
    {
        var pool = new MaxPool2d(2);
        var x = LayerGradCheck.Distinct(new Rng(3), 1, 1, 4, 4);
        x.RequiresGrad = true;
        var x0 = x.ToArray();
        var best = Array.IndexOf(x0, x0.Take(2).Concat(x0.Skip(4).Take(2)).Max());
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => LayerGradCheck.Check(
            () => pool.Forward(x),
            v =>
            {
                var y = PoolReference(v[0], 1, 1, 4, 4, 2, 2, 0);
                y[0] += 0.01 * (v[0][best] - x0[best]);
                return y;
            },
            [x]));
    }

    [Fact]
    public void MaxPool2dTiesGoToTheFirstMaximumAndNaNWins()
    {
        var x = Tensor.FromArray([1f, 1f, 0f, 1f], 1, 1, 2, 2);
        x.RequiresGrad = true;
        var y = new MaxPool2d(2).Forward(x);
        y.Backward(Tensor.Ones(1, 1, 1, 1));
        Assert.Equal([1f, 0f, 0f, 0f], x.Grad!.ToArray());
        var withNaN = Tensor.FromArray([1f, float.NaN, 5f, 1f], 1, 1, 2, 2);
        Assert.True(float.IsNaN(new MaxPool2d(2).Forward(withNaN)[0]));
    }
}
