using Descent.Cli.Demo;
using Descent.Cli.Runs;

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

        var result = DemoExperiment.Run(new DemoSettings(42, 30, 1e6, dir));
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

    [Fact]
    public void SameSeedGivesTheSameLossesAndTheRunsOfAnExperimentShareTheirStart()
    {
        var a = DemoExperiment.Run(new DemoSettings(3, 5, null, dir));
        var b = DemoExperiment.Run(new DemoSettings(3, 5, null, dir));
        foreach (var (sa, sb) in a.Sections.Zip(b.Sections))
        {
            foreach (var (ra, rb) in sa.Results.Zip(sb.Results))
            {
                Assert.Equal(ra.Losses, rb.Losses);
            }

            // Same data and initial weights: every optimizer sees the same loss at step 0.
            Assert.Single(sa.Results.Select(r => r.Losses[0]).Distinct());
        }
    }

    [Fact]
    public void StepZeroLossOfTheLinearRegressionEqualsAnIndependentComputation()
    {
        // Rebuild the data and the initial Linear(3,1) from the documented recipe and compute the MSE in double.
        var rng = new Rng(11);
        var x = Tensor.Normal(rng, 0f, 1f, DemoExperiment.Samples, 3);
        var noise = Tensor.Normal(rng, 0f, 0.01f, DemoExperiment.Samples, 1);
        var init = new Rng(rng.NextUInt64());
        var bound = 1f / MathF.Sqrt(3);
        var w = Tensor.Uniform(init, -bound, bound, 1, 3);
        var bias = Tensor.Uniform(init, -bound, bound, 1);
        double sum = 0;
        for (var i = 0; i < DemoExperiment.Samples; i++)
        {
            double target = 4.2f + noise[i] + (x[i, 0] * 2f) + (x[i, 1] * -3.4f) + (x[i, 2] * 1.7f);
            double pred = bias[0] + ((double)x[i, 0] * w[0]) + ((double)x[i, 1] * w[1]) + ((double)x[i, 2] * w[2]);
            sum += (pred - target) * (pred - target);
        }

        var expected = sum / DemoExperiment.Samples;
        var result = new GuardedRunner(1).Run(DemoExperiment.LinearRegressionRuns(new DemoSettings(11, 1, null, dir))[0]);
        Assert.Equal(expected, result.Losses[0], expected * 1e-5);
    }
}
