using Descent.Lab.Analysis;

namespace Descent.Tests.Lab;

public sealed class StatisticsTests
{
    [Fact]
    public void MeanAndSampleStandardDeviation()
    {
        double[] v = [2, 4, 4, 4, 5, 5, 7, 9];
        Assert.Equal(5.0, Statistics.Mean(v));
        Assert.Equal(32.0 / 7, Statistics.Variance(v), 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), Statistics.StandardDeviation(v), 12);
        Assert.Equal(0.0, Statistics.StandardDeviation([3.0]));
        Assert.True(double.IsNaN(Statistics.Mean([])));
    }

    [Fact]
    public void QuantileInterpolatesLikeNumpy()
    {
        double[] s = [1, 2, 3, 4];
        Assert.Equal(2.5, Statistics.Quantile(s, 0.5));
        Assert.Equal(1.075, Statistics.Quantile(s, 0.025), 12);
        Assert.Equal(3.925, Statistics.Quantile(s, 0.975), 12);
    }

    [Fact]
    public void LogGammaMatchesKnownValues()
    {
        Assert.Equal(0.5 * Math.Log(Math.PI), Statistics.LogGamma(0.5), 13);
        Assert.Equal(Math.Log(362880), Statistics.LogGamma(10), 12);
        Assert.Equal(0.0, Statistics.LogGamma(1), 13);
        Assert.Equal(0.0, Statistics.LogGamma(2), 13);
    }

    [Fact]
    public void StudentTMatchesClosedForms()
    {
        // df = 1 is the Cauchy distribution: P(|T| ≥ t) = 1 − (2/π)·atan(t).
        foreach (var t in new[] { 0.3, 1.0, 2.5, 12.0 })
        {
            Assert.Equal(1 - (2 / Math.PI * Math.Atan(t)), Statistics.StudentTTwoSidedP(t, 1), 12);
        }

        // df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
        foreach (var t in new[] { 0.1, 1.0, 2.1213203435596424, 7.0 })
        {
            Assert.Equal(1 - (t / Math.Sqrt(2 + (t * t))), Statistics.StudentTTwoSidedP(-t, 2), 12);
        }

        // Tabulated critical values: t(0.975, 10) = 2.228138852, t(0.975, 2) = 4.302652730, t(0.975, 30) = 2.042272456.
        Assert.Equal(2.228138852, Statistics.StudentTQuantile(0.975, 10), 8);
        Assert.Equal(4.302652730, Statistics.StudentTQuantile(0.975, 2), 8);
        Assert.Equal(2.042272456, Statistics.StudentTQuantile(0.975, 30), 8);
        Assert.Equal(0.05, Statistics.StudentTTwoSidedP(2.228138852, 10), 9);
    }

    [Fact]
    public void WelchTTestOnHandComputedData()
    {
        // a = {1, 3}, b = {4, 6}: means 2 and 5, variances 2 and 2, SE = √2, t = −3/√2, df = 2 exactly,
        // p = 1 − |t|/√(2 + t²) = 1 − √(4.5/6.5); 95% half-width = t(0.975, 2)·√2.
        var r = Statistics.WelchTTest([1.0, 3.0], [4.0, 6.0])!;
        Assert.Equal(-3.0, r.Difference);
        Assert.Equal(-3 / Math.Sqrt(2), r.T, 12);
        Assert.Equal(2.0, r.DegreesOfFreedom, 12);
        Assert.Equal(1 - Math.Sqrt(4.5 / 6.5), r.P, 11);
        Assert.Equal(4.302652729749464 * Math.Sqrt(2), r.HalfWidth95, 7);

        // Unequal sizes and variances: a = {1,2,3,4}, b = {2,4,6,8,10}: SE² = (5/3)/4 + 10/5,
        // df = SE⁴ / ((5/12)²/3 + 2²/4) = 5.520787746; p from direct numerical integration of the t density.
        var u = Statistics.WelchTTest([1.0, 2, 3, 4], [2.0, 4, 6, 8, 10])!;
        Assert.Equal(-2.2514363231593695, u.T, 12);
        Assert.Equal(5.520787746170677, u.DegreesOfFreedom, 10);
        Assert.Equal(0.06913359319231192, u.P, 8);
    }

    [Fact]
    public void WelchTTestEdgeCases()
    {
        Assert.Null(Statistics.WelchTTest([1.0], [2.0, 3.0]));
        var same = Statistics.WelchTTest([1.0, 1.0], [1.0, 1.0])!;
        Assert.Equal(1.0, same.P);
        var apart = Statistics.WelchTTest([1.0, 1.0], [2.0, 2.0])!;
        Assert.Equal(0.0, apart.P);
    }

    [Fact]
    public void BootstrapIntervalOnHandComputedData()
    {
        // Constant data: every resample has the same mean.
        Assert.Equal((0.75, 0.75), Statistics.BootstrapMeanCi([0.75, 0.75, 0.75], seed: 1));

        // {0, 1}: a resample's mean is 0, ½ or 1 with probabilities ¼, ½, ¼, so with 10,000 resamples the
        // 2.5% and 97.5% quantiles are 0 and 1.
        Assert.Equal((0.0, 1.0), Statistics.BootstrapMeanCi([0.0, 1.0], seed: 7));

        // Deterministic per seed, and the interval brackets the mean.
        double[] v = [0.95, 0.97, 0.96, 0.99, 0.93];
        var a = Statistics.BootstrapMeanCi(v, seed: 42);
        Assert.Equal(a, Statistics.BootstrapMeanCi(v, seed: 42));
        Assert.InRange(Statistics.Mean(v), a.Low, a.High);
        Assert.InRange(a.Low, 0.93, 0.96);
        Assert.InRange(a.High, 0.96, 0.99);
    }
}
