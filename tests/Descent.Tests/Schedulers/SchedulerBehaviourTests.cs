using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Schedulers;

/// <summary>Schedules beyond the golden file, checked against their closed forms computed here.</summary>
public class SchedulerBehaviourTests
{
    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} != {expected:R}");

    private static PlainSgd Sgd(double lr = 0.1, double momentum = 0) => new([new Parameter(2)], lr, momentum);

    [Fact]
    public void WarmupThenCosine()
    {
        var opt = Sgd();
        var warmup = new LinearScheduler(opt, startFactor: 0.1, endFactor: 1.0, totalIterations: 5);
        var cosine = new CosineAnnealingScheduler(opt, tMax: 20, etaMin: 0.001);
        var s = new SequentialScheduler(opt, [warmup, cosine], [5]);
        for (var e = 0; e <= 25; e++)
        {
            var expected = e < 5
                ? 0.1 * (0.1 + (0.9 * e / 5))
                : 0.001 + ((0.1 - 0.001) * (1 + Math.Cos(Math.PI * (e - 5) / 20)) / 2);
            Near(expected, opt.Groups[0].LearningRate, $"epoch {e}");
            Assert.Equal(opt.Groups[0].LearningRate, s.LastLearningRates[0]);
            s.Step();
        }
    }

    [Fact]
    public void ChainedMultipliesEffects()
    {
        var opt = Sgd(0.05);
        var s = new ChainedScheduler([new ConstantScheduler(opt, 0.1, 20), new ExponentialScheduler(opt, 0.9)]);
        for (var e = 0; e < 30; e++)
        {
            Near(0.05 * (e < 20 ? 0.1 : 1) * Math.Pow(0.9, e), opt.Groups[0].LearningRate, $"epoch {e}");
            s.Step();
        }
    }

    [Fact]
    public void LambdaPerGroup()
    {
        var opt = Sgd(0.1);
        opt.AddGroup([new Parameter(1)], new PlainSgdOptions { LearningRate = 0.5 });
        var s = new LambdaScheduler(opt, [e => 1.0 / (e + 1), e => Math.Pow(0.5, e)]);
        for (var e = 0; e < 8; e++)
        {
            Near(0.1 / (e + 1), opt.Groups[0].LearningRate, $"group 0 epoch {e}");
            Near(0.5 * Math.Pow(0.5, e), opt.Groups[1].LearningRate, $"group 1 epoch {e}");
            s.Step();
        }
    }

    [Fact]
    public void ConstantAndPolynomialFollowClosedForms()
    {
        var a = Sgd();
        var c = new ConstantScheduler(a, 0.25, 4);
        var b = Sgd();
        var p = new PolynomialScheduler(b, 8, 1.5);
        for (var e = 0; e < 12; e++)
        {
            Near(0.1 * (e < 4 ? 0.25 : 1), a.Groups[0].LearningRate, $"constant {e}");
            Near(0.1 * Math.Pow(1 - (Math.Min(e, 8) / 8.0), 1.5), b.Groups[0].LearningRate, $"poly {e}");
            c.Step();
            p.Step();
        }
    }

    [Fact]
    public void WarmRestartsAtIntegerAndFractionalEpochs()
    {
        var opt = Sgd();
        var s = new CosineAnnealingWarmRestartsScheduler(opt, t0: 10, tMult: 2, etaMin: 1e-4);
        static double Expected(double tCur, double ti) => 1e-4 + ((0.1 - 1e-4) * (1 + Math.Cos(Math.PI * tCur / ti)) / 2);
        for (var e = 0; e < 75; e++)
        {
            var (start, len) = e < 10 ? (0, 10) : e < 30 ? (10, 20) : e < 70 ? (30, 40) : (70, 80);
            Near(Expected(e - start, len), opt.Groups[0].LearningRate, $"epoch {e}");
            s.Step();
        }

        s.Step(25.5);
        Near(Expected(15.5, 20), opt.Groups[0].LearningRate, "epoch 25.5");
        Assert.Equal(25, s.LastEpoch);
        s.Step(3.25);
        Near(Expected(3.25, 10), opt.Groups[0].LearningRate, "epoch 3.25");
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Step(-1.0));
    }

    [Fact]
    public void ReduceOnPlateauWithPatienceCooldownAndFloor()
    {
        var opt = Sgd();
        var s = new ReduceOnPlateauScheduler(opt, factor: 0.5, patience: 2, cooldown: 1, minLearningRate: 0.02);
        double[] metrics = [1.0, 0.9, .. Enumerable.Repeat(0.95, 16)];
        double[] expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02];
        for (var i = 0; i < metrics.Length; i++)
        {
            s.Step(metrics[i]);
            Assert.Equal(expected[i], opt.Groups[0].LearningRate);
            Assert.Equal(expected[i], s.LastLearningRates[0]);
        }

        Assert.Equal(0.9, s.Best);
    }

    [Fact]
    public void ReduceOnPlateauMaxModeAbsoluteThresholdAndNaN()
    {
        var opt = Sgd();
        var s = new ReduceOnPlateauScheduler(opt, PlateauMode.Max, factor: 0.1, patience: 0, threshold: 0.05, thresholdMode: ThresholdMode.Abs);
        s.Step(0.5);
        Assert.Equal(0.1, opt.Groups[0].LearningRate);
        s.Step(0.54); // not better by more than 0.05: reduce (patience 0)
        Near(0.01, opt.Groups[0].LearningRate, "after plateau");
        s.Step(0.6);
        Near(0.01, opt.Groups[0].LearningRate, "after improvement");
        s.Step(double.NaN);
        Near(0.001, opt.Groups[0].LearningRate, "NaN is no improvement");
    }

    [Fact]
    public void OneCycleCyclesMomentumInversely()
    {
        var opt = Sgd(0.1, momentum: 0);
        var s = new OneCycleScheduler(opt, 1.0, 10);
        var group = (ParameterGroup<PlainSgdOptions>)opt.Groups[0];
        Near(0.95, group.Options.Momentum, "momentum at step 0");
        Near(0.04, group.LearningRate, "lr at step 0");
        s.Step();
        s.Step();
        Near(0.85, group.Options.Momentum, "momentum at the peak");
        Near(1.0, group.LearningRate, "lr at the peak");
        for (var i = 0; i < 7; i++)
        {
            s.Step();
        }

        Near(0.95, group.Options.Momentum, "momentum at the end");
        Near(0.04 / 1e4, group.LearningRate, "lr at the end");
        s.Step(); // the extra step PyTorch allows: held
        Near(0.04 / 1e4, group.LearningRate, "lr after the end");
        var ex = Assert.Throws<InvalidOperationException>(s.Step);
        Assert.Contains("stepped 11 times", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneCycleCyclesBeta1AndLeavesBeta2()
    {
        var opt = new NullOptimizer<BetaOptions>([new Parameter(1)], new BetaOptions { LearningRate = 0.1, Beta2 = 0.99 });
        var s = new OneCycleScheduler(opt, 1.0, 10, baseMomentum: 0.8, maxMomentum: 0.9);
        var group = (ParameterGroup<BetaOptions>)opt.Groups[0];
        Near(0.9, group.Options.Beta1, "beta1 at step 0");
        s.Step();
        s.Step();
        Near(0.8, group.Options.Beta1, "beta1 at the peak");
        Assert.Equal(0.99, group.Options.Beta2);
        var bare = new NullOptimizer<BareOptions>([new Parameter(1)], new BareOptions { LearningRate = 0.1 });
        _ = new OneCycleScheduler(bare, 1.0, 10, cycleMomentum: false);
        Near(0.04, bare.Groups[0].LearningRate, "without momentum");
    }

    [Fact]
    public void AddingAGroupAfterCreationFailsClearly()
    {
        var opt = Sgd();
        var s = new StepScheduler(opt, 2);
        opt.AddGroup([new Parameter(1)]);
        var ex = Assert.Throws<InvalidOperationException>(s.Step);
        Assert.Contains("created for 1 parameter groups, but the optimizer now has 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalChangesAreRespectedByChainableForms()
    {
        var opt = Sgd();
        var s = new ExponentialScheduler(opt, 0.5);
        s.Step();
        opt.Groups[0].LearningRate = 1.0;
        s.Step();
        Assert.Equal(0.5, opt.Groups[0].LearningRate);
    }
}
