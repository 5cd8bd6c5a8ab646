using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Schedulers;

/// <summary>Saving a schedule after k steps (as JSON), loading it into a fresh schedule of a fresh optimizer
/// and continuing gives bit-identical learning rates to an uninterrupted run.</summary>
public class SchedulerStateTests
{
    public static TheoryData<string> Kinds() =>
    [
        "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "LinearLR",
        "PolynomialLR", "ConstantLR", "OneCycleLR", "OneCycleLR3", "LambdaLR", "SequentialLR", "ChainedScheduler",
        "ReduceLROnPlateau",
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResumeIsBitIdentical(string kind)
    {
        const int N = 9;
        const int M = 30;
        var (refOpt, refSched) = Build(kind);
        var expected = new List<(double Lr, OptimizerOptions Options)>();
        for (var i = 0; i < N + M; i++)
        {
            expected.Add((refOpt.Groups[0].LearningRate, refOpt.Groups[0].BaseOptions));
            Advance(refSched, i);
        }

        var (opt, sched) = Build(kind);
        for (var i = 0; i < N; i++)
        {
            Advance(sched, i);
        }

        var json = sched.GetState().ToJson();
        var options = opt.Groups.Select(g => (g.BaseOptions, g.InitialLearningRate)).ToList();

        var (opt2, sched2) = Build(kind);
        for (var g = 0; g < opt2.Groups.Count; g++)
        {
            opt2.Groups[g].BaseOptions = options[g].BaseOptions;
            opt2.Groups[g].InitialLearningRate = options[g].InitialLearningRate;
        }

        sched2.LoadState(SchedulerState.FromJson(json));
        Assert.Equal(sched.LastLearningRates, sched2.LastLearningRates);
        for (var i = N; i < N + M; i++)
        {
            Assert.Equal(expected[i].Lr, opt2.Groups[0].LearningRate);
            Assert.Equal(expected[i].Options, opt2.Groups[0].BaseOptions);
            Advance(sched2, i);
        }
    }

    [Fact]
    public void LoadingTheWrongKindFails()
    {
        var opt = new PlainSgd([new Parameter(1)], 0.1);
        var state = new StepScheduler(opt, 3).GetState();
        var ex = Assert.Throws<ArgumentException>(() => new ExponentialScheduler(opt, 0.9).LoadState(state));
        Assert.Contains("the saved schedule is a StepScheduler, but this one is a ExponentialScheduler", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SchedulerState.FromJson("{\"scheduler\": 3"));
    }

    private static void Advance(ILearningRateScheduler s, int i)
    {
        if (s is ReduceOnPlateauScheduler r)
        {
            r.Step(i % 5 == 0 ? 1.0 : 2.0 - (0.01 * i));
        }
        else
        {
            ((LearningRateScheduler)s).Step();
        }
    }

    private static (Optimizer, ILearningRateScheduler) Build(string kind)
    {
        var opt = new PlainSgd([new Parameter(2)], 0.1, momentum: 0.9);
        opt.AddGroup([new Parameter(1)], new PlainSgdOptions { LearningRate = 0.03, Momentum = 0.5 });
        ILearningRateScheduler s = kind switch
        {
            "StepLR" => new StepScheduler(opt, 4, 0.5),
            "MultiStepLR" => new MultiStepScheduler(opt, [3, 8, 8, 20]),
            "ExponentialLR" => new ExponentialScheduler(opt, 0.93),
            "CosineAnnealingLR" => new CosineAnnealingScheduler(opt, 12, 0.001),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestartsScheduler(opt, 4, 2, 1e-4),
            "LinearLR" => new LinearScheduler(opt, 0.2, 0.9, 15),
            "PolynomialLR" => new PolynomialScheduler(opt, 25, 0.7),
            "ConstantLR" => new ConstantScheduler(opt, 0.3, 12),
            "OneCycleLR" => new OneCycleScheduler(opt, 0.5, 40),
            "OneCycleLR3" => new OneCycleScheduler(opt, 0.4, 40, annealStrategy: AnnealStrategy.Linear, threePhase: true),
            "LambdaLR" => new LambdaScheduler(opt, e => 1.0 / (1 + (0.1 * e))),
            "SequentialLR" => new SequentialScheduler(opt, [new LinearScheduler(opt, 0.1, 1, 5), new CosineAnnealingScheduler(opt, 30, 0.001)], [5]),
            "ChainedScheduler" => new ChainedScheduler([new ConstantScheduler(opt, 0.5, 10), new ExponentialScheduler(opt, 0.95)]),
            "ReduceLROnPlateau" => new ReduceOnPlateauScheduler(opt, factor: 0.5, patience: 2, cooldown: 1),
            _ => throw new ArgumentException(kind),
        };
        return (opt, s);
    }
}
