using Descent.Lab.Reports;

namespace Descent.Tests.Lab.Reports;

public sealed class LossChartTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string dir = Path.Combine(Path.GetTempPath(), "descent-chart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void WritesPngAndSvgWithEveryLabel()
    {
        var chart = new LossChart("MLP 2-16-1") { LossTarget = 1e-2 }
            .Add(new LossSeries("SGD (lr=0.05)", [10f, 1f, 0.1f, 0.01f]))
            .Add(new LossSeries("Adam (lr=0.01)", [10f, 0f, 0.5f]))
            .Add(new LossSeries("SGD+momentum", [10f, 1e20f, float.PositiveInfinity], StopStep: 2))
            .Add(new LossSeries("Never finite", [float.NaN], StopStep: 0));

        var paths = chart.Save(dir, "loss");

        Assert.Equal([Path.Combine(dir, "loss.png"), Path.Combine(dir, "loss.svg")], paths);
        var png = File.ReadAllBytes(paths[0]);
        Assert.True(png.Length > 5_000, $"PNG is only {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        var svg = File.ReadAllText(paths[1]);
        Assert.Contains("<svg", svg);
        Assert.Contains("MLP 2-16-1", svg);
        Assert.Contains("SGD (lr=0.05)", svg);
        Assert.Contains("SGD+momentum: diverged at step 2", svg);
        Assert.Contains("Never finite: diverged at step 0", svg);
        Assert.Contains("loss (log scale)", svg);
    }

    [Theory]
    [InlineData(0, "1")]
    [InlineData(-3, "0.001")]
    [InlineData(2, "100")]
    [InlineData(-6, "1e-6")]
    [InlineData(-4, "1e-4")]
    [InlineData(6, "1e+6")]
    public void LogAxisLabelsShowTheValue(double exponent, string expected)
        => Assert.Equal(expected, LossChart.FormatPower(exponent));
}
