using Descent.Experiments.Runs;

namespace Descent.Tests.Experiments.Runs;

public class GuardedRunnerTests
{
    /// <summary>Gradient descent on f(x) = x² in float32: x ← x − lr·2x. With lr = 1e6 the iterate is
    /// multiplied by (1 − 2e6) each step, so the loss x² overflows to +∞ at a step computable in double.</summary>
    private static TrainingRun Quadratic(string name, float lr)
    {
        var x = 1f;
        return new TrainingRun(name, $"lr={lr}", _ =>
        {
            var loss = x * x;
            x -= lr * 2f * x;
            return loss;
        });
    }

    [Fact]
    public void DivergedRunIsStoppedAtTheFirstNonFiniteLossAndTheOthersComplete()
    {
        var messages = new List<string>();
        var runner = new GuardedRunner(steps: 50, lossTarget: 1e-6) { OnStopped = messages.Add };
        var results = runner.RunAll([Quadratic("SGD", 1e6f), Quadratic("GD", 0.25f)]);

        // Reference: the first step whose float32 loss overflows; x_s = (1 - 2e6)^s in float32.
        var expectedStop = -1;
        var lastFinite = float.NaN;
        var x = 1f;
        for (var s = 0; s < 50 && expectedStop < 0; s++)
        {
            if (!float.IsFinite(x * x))
            {
                expectedStop = s;
            }
            else
            {
                lastFinite = x * x;
            }

            x -= 1e6f * 2f * x;
        }

        Assert.Equal(4, expectedStop); // loss (2e6)^(2s): 1, 4e12, 1.6e25, 6.4e37, then > float.MaxValue
        var diverged = results[0];
        Assert.Equal(RunStatus.Diverged, diverged.Status);
        Assert.Equal(expectedStop, diverged.StopStep);
        Assert.Equal(expectedStop + 1, diverged.Losses.Count);
        Assert.Equal(expectedStop, diverged.FiniteSteps);
        Assert.True(float.IsPositiveInfinity(diverged.FinalLoss));
        Assert.Equal(lastFinite, diverged.LastFiniteLoss);
        Assert.Equal(6.4e37, lastFinite, 6.4e37 * 1e-5);
        Assert.Null(diverged.StepsToTarget);
        Assert.NotNull(diverged.Message);
        Assert.Contains("SGD", diverged.Message);
        Assert.Contains($"step {expectedStop}", diverged.Message);
        Assert.Contains("infinity", diverged.Message);
        Assert.Equal([diverged.Message], messages);

        // The well-behaved run still ran all its steps: x halves each step, loss = 4^-s.
        var completed = results[1];
        Assert.Equal(RunStatus.Completed, completed.Status);
        Assert.Null(completed.StopStep);
        Assert.Null(completed.Message);
        Assert.Equal(50, completed.Losses.Count);
        for (var s = 0; s < 50; s++)
        {
            Assert.Equal(MathF.Pow(0.25f, s), completed.Losses[s], MathF.Pow(0.25f, s) * 1e-6f);
        }

        // 4^-s <= 1e-6 first at s = 10 (4^-10 = 9.5e-7).
        Assert.Equal(10, completed.StepsToTarget);
    }

    [Fact]
    public void NaNLossStopsTheRunAndIsNamedInTheMessage()
    {
        var runner = new GuardedRunner(steps: 10);
        var result = runner.Run(new TrainingRun("Adam", "lr=1", s => s == 4 ? float.NaN : 1f));
        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Equal(4, result.StopStep);
        Assert.Equal([1f, 1f, 1f, 1f], result.Losses.Take(4));
        Assert.True(float.IsNaN(result.FinalLoss));
        Assert.Equal(1f, result.LastFiniteLoss);
        Assert.Equal("Adam (lr=1) diverged at step 4: the loss is NaN; run stopped.", result.Message);
    }

    [Fact]
    public void ThrowingStepFunctionMarksTheRunFailedWithoutStoppingOthers()
    {
        var runner = new GuardedRunner(steps: 3);
        var results = runner.RunAll(
        [
            new TrainingRun("Broken", "", s => s == 1 ? throw new InvalidOperationException("boom") : 2f),
            new TrainingRun("Fine", "", _ => 1f),
        ]);
        Assert.Equal(RunStatus.Failed, results[0].Status);
        Assert.Equal(1, results[0].StopStep);
        Assert.Equal("Broken failed at step 1: boom; run stopped.", results[0].Message);
        Assert.Equal(RunStatus.Completed, results[1].Status);
        Assert.Equal(3, results[1].Losses.Count);
    }

    [Fact]
    public void TheLossAfterTheLastUpdateIsTheFinalLossAndCanReachTheTarget()
    {
        var x = 1f;
        var run = new TrainingRun("SGD", "", _ =>
        {
            var before = x;
            x /= 2;
            return before;
        }) { Evaluate = () => x };
        var result = new GuardedRunner(3, lossTarget: 0.125).Run(run);
        Assert.Equal([1f, 0.5f, 0.25f], result.Losses);
        Assert.Equal(0.125f, result.LossAfterTraining);
        Assert.Equal(0.125f, result.FinalLoss);
        Assert.Equal(3, result.StepsToTarget); // reached after the third update

        var blownUp = new GuardedRunner(2).Run(new TrainingRun("SGD", "lr=9", _ => 1f) { Evaluate = () => float.PositiveInfinity });
        Assert.Equal(RunStatus.Diverged, blownUp.Status);
        Assert.Equal(2, blownUp.StopStep);
        Assert.Equal("SGD (lr=9) diverged in its last update: the loss after training is +infinity.", blownUp.Message);
    }

    [Fact]
    public void StepsToTargetIsTheFirstStepAtOrBelowTheTarget()
    {
        var losses = new[] { 5f, 3f, 2f, 2.5f, 1f };
        var result = new GuardedRunner(5, lossTarget: 2).Run(new TrainingRun("SGD", "", s => losses[s]));
        Assert.Equal(2, result.StepsToTarget);
        Assert.Equal(1f, result.FinalLoss);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void InvalidStepCountIsRejected(int steps)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GuardedRunner(steps));
        Assert.Equal("steps", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void InvalidLossTargetIsRejected(double target)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GuardedRunner(5, target));
        Assert.Equal("lossTarget", ex.ParamName);
    }
}
