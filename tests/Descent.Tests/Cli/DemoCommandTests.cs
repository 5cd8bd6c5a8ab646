using Descent.Experiments.Article;
using Descent.Experiments.Runs;

namespace Descent.Tests.Cli;

public sealed class DemoCommandTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string dir = Path.Combine(Path.GetTempPath(), "descent-demo-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DemoRunsEndToEndAndWritesItsCharts()
    {
        var (code, output, error) = CliHarness.Run("demo", "--steps", "20", "--seed", "7", "--out", dir);

        Assert.True(code == 0, error);
        Assert.Equal(string.Empty, error);
        foreach (var name in new[] { "linear-regression.png", "mlp.png" })
        {
            var png = File.ReadAllBytes(Path.Combine(dir, name));
            Assert.True(png.Length > 5_000, $"{name} is only {png.Length} bytes");
            Assert.Equal(PngSignature, png[..8]);
            Assert.Contains(Path.Combine(dir, name), output);
        }

        Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "mlp.svg")));
        Assert.Contains(Path.GetFullPath(dir), output);
        foreach (var text in new[] { "Gradient descent", "SGD+momentum", "Adam", "lr=0.05, momentum=0.9", "Final loss", "Steps to target", "Wall time" })
        {
            Assert.Contains(text, output);
        }

        // losses.csv: header + 20 losses for each of the 5 runs.
        var lines = File.ReadAllLines(Path.Combine(dir, "losses.csv"));
        Assert.Equal("experiment,optimizer,hyperparameters,step,loss", lines[0]);
        Assert.Equal(1 + (5 * 20), lines.Length);
    }

    [Fact]
    public void HugeLearningRateStopsTheDivergingRunsAndTheOthersComplete()
    {
        var (code, output, _) = CliHarness.Run("demo", "--lr", "1e6", "--steps", "30", "--out", dir);

        Assert.Equal(0, code);
        Assert.Contains("warning: SGD (lr=1e+6) diverged at step", output);
        Assert.Contains("warning: SGD+momentum (lr=1e+6, momentum=0.9) diverged at step", output);
        Assert.Contains("diverged at step", output);
        Assert.True(File.Exists(Path.Combine(dir, "mlp.png")));

        var result = DemoExperiment.Run(new DemoSettings(42, 30, 1e6));
        var mlp = result.Sections.Single(s => s.Key == "mlp").Results;
        Assert.Equal(["SGD", "SGD+momentum", "Adam"], mlp.Select(r => r.Name));
        foreach (var sgd in mlp.Take(2))
        {
            Assert.Equal(RunStatus.Diverged, sgd.Status);
            Assert.False(float.IsFinite(sgd.FinalLoss));
            Assert.NotNull(sgd.StopStep);
            Assert.Contains($"diverged at step {sgd.StopStep}", sgd.Message);
        }

        // Adam's steps are bounded by lr, so its loss stays finite: it runs all 30 steps.
        var adam = mlp[2];
        Assert.Equal(RunStatus.Completed, adam.Status);
        Assert.Equal(30, adam.Losses.Count);
        Assert.All(adam.Losses, l => Assert.True(float.IsFinite(l)));
    }
}
