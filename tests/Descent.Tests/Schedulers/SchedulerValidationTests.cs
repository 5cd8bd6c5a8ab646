using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Schedulers;

/// <summary>Every invalid schedule argument is rejected with its name, the value and the valid range, and
/// the optimizer is left untouched.</summary>
public class SchedulerValidationTests
{
    public static TheoryData<string, string, string> Invalid() => new()
    {
        // case, parameter name, text the message must contain (value and range)
        { "StepLR.stepSize=0", "stepSize", ">= 1, got 0" },
        { "StepLR.gamma=0", "gamma", "> 0, got 0" },
        { "StepLR.gamma=NaN", "gamma", "got NaN" },
        { "MultiStepLR.milestone=-1", "milestones[0]", ">= 0, got -1" },
        { "MultiStepLR.decreasing", "milestones", "non-decreasing" },
        { "MultiStepLR.gamma=-1", "gamma", "> 0, got -1" },
        { "ExponentialLR.gamma=inf", "gamma", "got Infinity" },
        { "CosineAnnealingLR.tMax=0", "tMax", ">= 1, got 0" },
        { "CosineAnnealingLR.etaMin=-1", "etaMin", ">= 0, got -1" },
        { "CosineAnnealingWarmRestarts.t0=0", "t0", ">= 1, got 0" },
        { "CosineAnnealingWarmRestarts.tMult=0", "tMult", ">= 1, got 0" },
        { "CosineAnnealingWarmRestarts.etaMin=NaN", "etaMin", "got NaN" },
        { "LinearLR.startFactor=0", "startFactor", "(0, 1], got 0" },
        { "LinearLR.startFactor=1.5", "startFactor", "(0, 1], got 1.5" },
        { "LinearLR.endFactor=-0.1", "endFactor", "[0, 1], got -0.1" },
        { "LinearLR.totalIterations=0", "totalIterations", ">= 1, got 0" },
        { "PolynomialLR.totalIterations=0", "totalIterations", ">= 1, got 0" },
        { "PolynomialLR.power=-1", "power", ">= 0, got -1" },
        { "ConstantLR.factor=0", "factor", "(0, 1], got 0" },
        { "ConstantLR.factor=2", "factor", "(0, 1], got 2" },
        { "ConstantLR.totalIterations=0", "totalIterations", ">= 1, got 0" },
        { "OneCycleLR.maxLr=-1", "maxLearningRates", ">= 0, got -1" },
        { "OneCycleLR.totalSteps=0", "totalSteps", ">= 1, got 0" },
        { "OneCycleLR.pctStart=1.5", "pctStart", "[0, 1], got 1.5" },
        { "OneCycleLR.pctStart=zero-phase", "pctStart", "zero length" },
        { "OneCycleLR.divFactor=0", "divFactor", "> 0, got 0" },
        { "OneCycleLR.finalDivFactor=-1", "finalDivFactor", "> 0, got -1" },
        { "OneCycleLR.baseMomentum=1", "baseMomentums", "[0, 1), got 1" },
        { "OneCycleLR.maxMomentum=-0.5", "maxMomentums", "[0, 1), got -0.5" },
        { "OneCycleLR.maxLr-count", "maxLearningRates", "one per parameter group (2), got 3" },
        { "OneCycleLR.strategy", "annealStrategy", "Cos or Linear" },
        { "OneCycleLR.noMomentum", "optimizer", "neither Momentum nor Beta1" },
        { "LambdaLR.count", "lambdas", "one per parameter group (2), got 3" },
        { "SequentialLR.empty", "schedulers", "at least one" },
        { "SequentialLR.milestones", "milestones", "one milestone fewer" },
        { "SequentialLR.milestoneOrder", "milestones[1]", ">= 6, got 5" },
        { "SequentialLR.otherOptimizer", "schedulers", "same optimizer" },
        { "ChainedScheduler.empty", "schedulers", "at least one" },
        { "ReduceLROnPlateau.factor=1", "factor", "[0, 1), got 1" },
        { "ReduceLROnPlateau.patience=-1", "patience", ">= 0, got -1" },
        { "ReduceLROnPlateau.threshold=-1", "threshold", ">= 0, got -1" },
        { "ReduceLROnPlateau.cooldown=-1", "cooldown", ">= 0, got -1" },
        { "ReduceLROnPlateau.minLr=-1", "minLearningRates", ">= 0, got -1" },
        { "ReduceLROnPlateau.eps=NaN", "eps", "got NaN" },
        { "ReduceLROnPlateau.mode", "mode", "Min or Max" },
        { "Factory.unknownArg", "gama", "has no argument 'gama'" },
        { "Factory.wrongType", "step_size", "must be an integer, got 2.5" },
        { "Factory.missing", "T_max", "needs the argument 'T_max'" },
        { "Factory.lastEpoch", "last_epoch", "must be -1" },
        { "Factory.strategy", "anneal_strategy", "'cos' or 'linear', got 'cosine'" },
        { "Factory.unknownName", "name", "unknown schedule 'CyclicLR'" },
        { "Factory.value", "gamma", "> 0, got -0.5" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RejectsInvalidArgument(string @case, string parameter, string messagePart)
    {
        var (opt, other) = Make();
        var before = opt.Groups.Select(g => (g.LearningRate, g.InitialLearningRate, g.BaseOptions)).ToList();
        var ex = Assert.ThrowsAny<ArgumentException>(() => Build(@case, opt, other));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        if (!@case.StartsWith("Sequential", StringComparison.Ordinal))
        {
            // (SequentialLR's own schedules are built, and so change the optimizer, before it is.)
            Assert.Equal(before, opt.Groups.Select(g => (g.LearningRate, g.InitialLearningRate, g.BaseOptions)).ToList());
        }
    }

    private static (Optimizer Opt, Optimizer Other) Make()
    {
        var opt = new PlainSgd([new Parameter(2)], 0.1, momentum: 0.9);
        opt.AddGroup([new Parameter(3)], new PlainSgdOptions { LearningRate = 0.01 });
        return (opt, new PlainSgd([new Parameter(2)], 0.1));
    }

    private static object Build(string @case, Optimizer o, Optimizer other) => @case switch
    {
        "StepLR.stepSize=0" => new StepScheduler(o, 0),
        "StepLR.gamma=0" => new StepScheduler(o, 3, 0),
        "StepLR.gamma=NaN" => new StepScheduler(o, 3, double.NaN),
        "MultiStepLR.milestone=-1" => new MultiStepScheduler(o, [-1, 3]),
        "MultiStepLR.decreasing" => new MultiStepScheduler(o, [5, 3]),
        "MultiStepLR.gamma=-1" => new MultiStepScheduler(o, [3], -1),
        "ExponentialLR.gamma=inf" => new ExponentialScheduler(o, double.PositiveInfinity),
        "CosineAnnealingLR.tMax=0" => new CosineAnnealingScheduler(o, 0),
        "CosineAnnealingLR.etaMin=-1" => new CosineAnnealingScheduler(o, 10, -1),
        "CosineAnnealingWarmRestarts.t0=0" => new CosineAnnealingWarmRestartsScheduler(o, 0),
        "CosineAnnealingWarmRestarts.tMult=0" => new CosineAnnealingWarmRestartsScheduler(o, 5, 0),
        "CosineAnnealingWarmRestarts.etaMin=NaN" => new CosineAnnealingWarmRestartsScheduler(o, 5, 1, double.NaN),
        "LinearLR.startFactor=0" => new LinearScheduler(o, 0),
        "LinearLR.startFactor=1.5" => new LinearScheduler(o, 1.5),
        "LinearLR.endFactor=-0.1" => new LinearScheduler(o, 0.5, -0.1),
        "LinearLR.totalIterations=0" => new LinearScheduler(o, 0.5, 1, 0),
        "PolynomialLR.totalIterations=0" => new PolynomialScheduler(o, 0),
        "PolynomialLR.power=-1" => new PolynomialScheduler(o, 5, -1),
        "ConstantLR.factor=0" => new ConstantScheduler(o, 0),
        "ConstantLR.factor=2" => new ConstantScheduler(o, 2),
        "ConstantLR.totalIterations=0" => new ConstantScheduler(o, 0.5, 0),
        "OneCycleLR.maxLr=-1" => new OneCycleScheduler(o, -1, 10),
        "OneCycleLR.totalSteps=0" => new OneCycleScheduler(o, 1, 0),
        "OneCycleLR.pctStart=1.5" => new OneCycleScheduler(o, 1, 10, pctStart: 1.5),
        "OneCycleLR.pctStart=zero-phase" => new OneCycleScheduler(o, 1, 10, pctStart: 0.1),
        "OneCycleLR.divFactor=0" => new OneCycleScheduler(o, 1, 10, divFactor: 0),
        "OneCycleLR.finalDivFactor=-1" => new OneCycleScheduler(o, 1, 10, finalDivFactor: -1),
        "OneCycleLR.baseMomentum=1" => new OneCycleScheduler(o, 1, 10, baseMomentum: 1),
        "OneCycleLR.maxMomentum=-0.5" => new OneCycleScheduler(o, 1, 10, maxMomentum: -0.5),
        "OneCycleLR.maxLr-count" => new OneCycleScheduler(o, [1, 2, 3], 10, 0.3, AnnealStrategy.Cos, true, [0.85], [0.95], 25, 1e4, false),
        "OneCycleLR.strategy" => new OneCycleScheduler(o, 1, 10, annealStrategy: (AnnealStrategy)7),
        "OneCycleLR.noMomentum" => new OneCycleScheduler(new NullOptimizer<BareOptions>([new Parameter(1)], new BareOptions()), 1, 10),
        "LambdaLR.count" => new LambdaScheduler(o, [_ => 1, _ => 1, _ => 1]),
        "SequentialLR.empty" => new SequentialScheduler(o, [], []),
        "SequentialLR.milestones" => new SequentialScheduler(o, [new ConstantScheduler(o), new ExponentialScheduler(o, 0.9)], []),
        "SequentialLR.milestoneOrder" => new SequentialScheduler(
            o, [new ConstantScheduler(o), new ExponentialScheduler(o, 0.9), new ExponentialScheduler(o, 0.8)], [5, 5]),
        "SequentialLR.otherOptimizer" => new SequentialScheduler(o, [new ConstantScheduler(o), new ExponentialScheduler(other, 0.9)], [3]),
        "ChainedScheduler.empty" => new ChainedScheduler([]),
        "ReduceLROnPlateau.factor=1" => new ReduceOnPlateauScheduler(o, factor: 1),
        "ReduceLROnPlateau.patience=-1" => new ReduceOnPlateauScheduler(o, patience: -1),
        "ReduceLROnPlateau.threshold=-1" => new ReduceOnPlateauScheduler(o, threshold: -1),
        "ReduceLROnPlateau.cooldown=-1" => new ReduceOnPlateauScheduler(o, cooldown: -1),
        "ReduceLROnPlateau.minLr=-1" => new ReduceOnPlateauScheduler(o, minLearningRate: -1),
        "ReduceLROnPlateau.eps=NaN" => new ReduceOnPlateauScheduler(o, eps: double.NaN),
        "ReduceLROnPlateau.mode" => new ReduceOnPlateauScheduler(o, mode: (PlateauMode)5),
        "Factory.unknownArg" => SchedulerFactory.Create(o, "StepLR", """{"step_size": 3, "gama": 0.5}"""),
        "Factory.wrongType" => SchedulerFactory.Create(o, "StepLR", """{"step_size": 2.5}"""),
        "Factory.missing" => SchedulerFactory.Create(o, "CosineAnnealingLR", """{"eta_min": 0.1}"""),
        "Factory.lastEpoch" => SchedulerFactory.Create(o, "StepLR", """{"step_size": 3, "last_epoch": 4}"""),
        "Factory.strategy" => SchedulerFactory.Create(o, "OneCycleLR", """{"max_lr": 1, "total_steps": 10, "anneal_strategy": "cosine"}"""),
        "Factory.unknownName" => SchedulerFactory.Create(o, "CyclicLR", "{}"),
        "Factory.value" => SchedulerFactory.Create(o, "ExponentialLR", """{"gamma": -0.5}"""),
        _ => throw new InvalidOperationException(@case),
    };
}
