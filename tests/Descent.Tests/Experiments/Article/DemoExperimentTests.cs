using Descent.Experiments.Article;
using Descent.Experiments.Runs;

namespace Descent.Tests.Experiments.Article;

public sealed class DemoExperimentTests
{
    [Fact]
    public void SameSeedGivesTheSameLossesAndTheRunsOfAnExperimentShareTheirStart()
    {
        var a = DemoExperiment.Run(new DemoSettings(3, 5, null));
        var b = DemoExperiment.Run(new DemoSettings(3, 5, null));
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
        var result = new GuardedRunner(1).Run(DemoExperiment.LinearRegressionRuns(new DemoSettings(11, 1, null))[0]);
        Assert.Equal(expected, result.Losses[0], expected * 1e-5);
    }

    [Fact]
    public void TheFinalLossIsTheLossAfterTheLastUpdate()
    {
        // Issue 15, defect 9: 'demo --steps N' reported the loss before the last update (step N-1's) as the final loss.
        // A run of N steps must end on the loss that a run of N+1 steps sees at step N (after N updates).
        const int steps = 7;
        var shorter = DemoExperiment.Run(new DemoSettings(5, steps, null));
        var longer = DemoExperiment.Run(new DemoSettings(5, steps + 1, null));
        foreach (var (a, b) in shorter.Sections.SelectMany(s => s.Results).Zip(longer.Sections.SelectMany(s => s.Results)))
        {
            Assert.Equal(RunStatus.Completed, a.Status);
            Assert.Equal(b.Losses[steps], a.FinalLoss);
            Assert.NotEqual(a.Losses[^1], a.FinalLoss);
        }
    }
}
