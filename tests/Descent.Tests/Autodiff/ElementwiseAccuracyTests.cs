using Descent.Numerics;

namespace Descent.Tests.Autodiff;

/// <summary>Forward accuracy of element-wise kernels against double precision, over lengths that exercise
/// both the vectorized and the scalar tail paths.</summary>
public class ElementwiseAccuracyTests
{
    [Fact]
    public void TanhIsAccurateNearZeroAndEverywhere()
    {
        var values = new List<float> { 0f, -0f, 1e-30f, 1e-6f, -1e-6f, 1e-4f, 0.001f, 0.3f, 0.6249f, 0.625f, 0.7f, 2f, 9f, 20f, -20f, 100f };
        var rng = new Rng(3);
        for (var i = 0; i < 4000; i++)
        {
            values.Add((float)((rng.NextDouble() - 0.5) * 8 * Math.Pow(10, -4 * rng.NextDouble())));
        }

        for (var n = 0; n <= 40; n++)
        {
            var x = Tensor.FromArray(values.Take(n).ToArray(), n);
            CheckUlps(x.ToArray(), x.Tanh().ToArray(), Math.Tanh, 4);
        }

        var all = Tensor.FromArray(values.ToArray());
        CheckUlps(all.ToArray(), all.Tanh().ToArray(), Math.Tanh, 4);
        Assert.Equal(0f, Tensor.FromArray(new float[16]).Tanh().ToArray().Max(MathF.Abs));
        Assert.True(float.IsNaN(Tensor.FromArray([float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0]).Tanh()[0]));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182848922)]
    [InlineData(0.46875, 0.4926134732179379)]
    [InlineData(0.5, 0.5204998778130465377)]
    [InlineData(1.0, 0.8427007929497148693)]
    [InlineData(2.0, 0.9953222650189527342)]
    [InlineData(3.0, 0.9999779095030014146)]
    [InlineData(4.0, 0.9999999845827420997)]
    [InlineData(4.5, 0.9999999998033839558)]
    [InlineData(6.0, 0.9999999999999999785)]
    [InlineData(-0.7, -0.6778011938374184)]
    [InlineData(-2.5, -0.9995930479825550)]
    [InlineData(1e-10, 1.1283791670955126e-10)]
    [InlineData(30.0, 1.0)]
    public void ErfMatchesTableValues(double x, double expected)
    {
        var actual = SpecialFunctions.Erf(x);
        Assert.True(Math.Abs(actual - expected) <= 1e-15 + (1e-15 * Math.Abs(expected)), $"erf({x}) = {actual:R}, expected {expected:R}");
    }

    [Theory]
    [InlineData(0.5, 0.4795001221869534623)]
    [InlineData(1.0, 0.1572992070502851307)]
    [InlineData(3.0, 2.209049699858544137e-5)]
    [InlineData(5.0, 1.537459794428034850e-12)]
    [InlineData(10.0, 2.088487583762544757e-45)]
    [InlineData(-1.0, 1.842700792949714869)]
    public void ErfcIsAccurateInTheTail(double x, double expected)
    {
        var actual = SpecialFunctions.Erfc(x);
        Assert.True(Math.Abs(actual - expected) <= 1e-14 * Math.Abs(expected), $"erfc({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void ErfAgreesWithAnIndependentSeriesToBelow1e13()
    {
        for (var x = -6.0; x <= 6.0; x += 0.0137)
        {
            var expected = Reference.Erf(x);
            Assert.True(Math.Abs(SpecialFunctions.Erf(x) - expected) <= 1e-13, $"erf({x})");
        }

        Assert.True(double.IsNaN(SpecialFunctions.Erf(double.NaN)));
        Assert.Equal(1.0, SpecialFunctions.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, SpecialFunctions.Erf(double.NegativeInfinity));
    }

    private static void CheckUlps(float[] x, float[] y, Func<double, double> f, double maxUlps)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var e = f(x[i]);
            var ef = (float)e;
            var ulp = Math.Max(MathF.BitIncrement(MathF.Abs(ef)) - MathF.Abs(ef), float.Epsilon);
            Assert.True(Math.Abs(y[i] - e) <= maxUlps * ulp, $"x = {x[i]:R}: got {y[i]:R}, expected {e:R}");
        }
    }
}
