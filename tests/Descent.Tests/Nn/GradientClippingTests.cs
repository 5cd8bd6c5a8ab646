using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>clip_grad_norm_ / clip_grad_value_ semantics against a double-precision reference.</summary>
public class GradientClippingTests
{
    private static Parameter[] Params(params float[][] grads)
    {
        return [.. grads.Select(g =>
        {
            var p = new Parameter(g.Length);
            p.Grad = Tensor.FromArray(g, g.Length);
            return p;
        })];
    }

    private static double RefNorm(IEnumerable<float[]> grads, double p)
    {
        var norms = grads.Select(g => double.IsPositiveInfinity(p)
            ? g.Max(x => Math.Abs((double)x))
            : Math.Pow(g.Sum(x => Math.Pow(Math.Abs((double)x), p)), 1 / p)).ToList();
        return double.IsPositiveInfinity(p) ? norms.Max() : Math.Pow(norms.Sum(n => Math.Pow(n, p)), 1 / p);
    }

    [Theory]
    [InlineData(2.0, 1.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(double.PositiveInfinity, 0.5)]
    [InlineData(3.0, 0.7)]
    [InlineData(2.0, 100.0)]
    public void ClipsByGlobalNorm(double normType, double maxNorm)
    {
        var rng = new Rng(3);
        float[][] grads = [.. new[] { 7, 1, 33 }.Select(n => Enumerable.Range(0, n).Select(_ => (float)rng.NextNormal()).ToArray())];
        var ps = Params(grads);
        var noGrad = new Parameter(4);
        var total = GradientClipping.ClipGradNorm([.. ps, noGrad], maxNorm, normType);
        var expected = RefNorm(grads, normType);
        Assert.True(Math.Abs(total - expected) <= 1e-6 * expected, $"norm {total} vs {expected}");
        var coef = Math.Min(1.0, maxNorm / (expected + 1e-6));
        for (var k = 0; k < grads.Length; k++)
        {
            for (var i = 0; i < grads[k].Length; i++)
            {
                var want = grads[k][i] * coef;
                Assert.True(Math.Abs(ps[k].Grad![i] - want) <= 1e-6 * Math.Abs(want) + 1e-9, $"grad {k}[{i}]");
            }
        }

        if (coef == 1.0)
        {
            Assert.Equal(grads[2], ps[2].Grad!.ToArray());
        }

        Assert.Null(noGrad.Grad);
    }

    [Fact]
    public void NoGradientsGiveZeroAndInfiniteMaxNormOnlyMeasures()
    {
        Assert.Equal(0, GradientClipping.ClipGradNorm([new Parameter(3)], 1.0));
        var ps = Params([3f, 4f]);
        Assert.Equal(5.0, GradientClipping.ClipGradNorm(ps, double.PositiveInfinity), 6);
        Assert.Equal([3f, 4f], ps[0].Grad!.ToArray());
        Assert.Equal(5.0, GradientClipping.GradNorm(ps), 6);
    }

    [Fact]
    public void NonFiniteNormsFollowPyTorch()
    {
        var ps = Params([1f, float.PositiveInfinity], [2f]);
        var ex = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm(ps, 1.0, errorIfNonfinite: true));
        Assert.Contains("Infinity", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1f, float.PositiveInfinity], ps[0].Grad!.ToArray());

        Assert.Equal(double.PositiveInfinity, GradientClipping.ClipGradNorm(ps, 1.0));
        Assert.Equal([0f, float.NaN], ps[0].Grad!.ToArray()); // factor 0: inf·0 = NaN
        Assert.Equal([0f], ps[1].Grad!.ToArray());

        var nan = Params([1f, float.NaN]);
        Assert.True(double.IsNaN(GradientClipping.ClipGradNorm(nan, 1.0)));
        Assert.All(nan[0].Grad!.ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ClipsByValue()
    {
        var ps = Params([-3f, -0.5f, 0f, 0.5f, 3f, float.NaN, float.NegativeInfinity]);
        GradientClipping.ClipGradValue(ps, 1.0);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, float.NaN, -1f], ps[0].Grad!.ToArray());
    }

    [Theory]
    [InlineData("maxNorm", -1.0)]
    [InlineData("maxNorm", double.NaN)]
    [InlineData("normType", 0.0)]
    [InlineData("normType", -2.0)]
    [InlineData("clipValue", -1.0)]
    [InlineData("clipValue", double.PositiveInfinity)]
    public void RejectsInvalidArguments(string name, double value)
    {
        var ps = Params([1f]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            switch (name)
            {
                case "maxNorm": GradientClipping.ClipGradNorm(ps, value); break;
                case "normType": GradientClipping.ClipGradNorm(ps, 1.0, value); break;
                default: GradientClipping.ClipGradValue(ps, value); break;
            }
        });
        Assert.Equal(name, ex.ParamName);
        Assert.Contains(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }
}
