using System.Runtime.InteropServices;
using Descent.Autodiff;
using Descent.Data;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Tests.Autodiff;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>The <see cref="Learner"/> itself: its events, stopping, accumulation, clipping, EMA evaluation, divergence,
/// checkpoint/resume, schedules and allocation. Expected values come from hand-written reference loops (the loop the
/// learner replaces), never restated numbers.</summary>
public sealed class LearnerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "descent-learner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }
    }

    private static (Sequential Model, Tensor X, Tensor Y) Regression(ulong seed, int samples = 16)
    {
        var rng = new Rng(seed);
        var model = new Sequential(new Linear(3, 4, rng), new Tanh(), new Linear(4, 1, rng));
        var x = Tensor.Normal(rng, 0, 1, samples, 3);
        var y = Tensor.Normal(rng, 0, 1, samples, 1);
        return (model, x, y);
    }

    /// <summary>Rows [start, start + count) of a [n, k] tensor, copied.</summary>
    private static Tensor Rows(Tensor t, int start, int count)
    {
        var k = t.Shape[1];
        var r = new Tensor(count, k);
        t.Span.Slice(start * k, count * k).CopyTo(r.Span);
        return r;
    }

    private static IEnumerable<(Tensor, Tensor)> Halves(Tensor x, Tensor y)
    {
        var n = x.Shape[0] / 2;
        yield return (Rows(x, 0, n), Rows(y, 0, n));
        yield return (Rows(x, n, n), Rows(y, n, n));
    }

    private sealed class Recorder : LearnerCallback
    {
        public List<string> Events { get; } = [];

        public override void On(LearnerEvent e, Learner learner) => Events.Add($"{e}:{learner.Epoch}:{learner.Batch}:{learner.Step}");
    }

    [Fact]
    public void EventsRunInOrderWithEpochBatchAndStep()
    {
        var (model, x, y) = Regression(1);
        var recorder = new Recorder();
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01 }), model.Forward,
            new MseLoss().Forward, new LearnerOptions { AccumulationSteps = 2 })
        {
            Evaluation = m => m["val_loss"] = 1,
            Callbacks = [recorder],
        };
        var result = learner.Fit(2, Halves(x, y).ToList());
        string[] Batch(int epoch, int batch, int step, bool steps) =>
        [
            $"BeforeBatch:{epoch}:{batch}:{step}", $"AfterLoss:{epoch}:{batch}:{step}", $"BeforeBackward:{epoch}:{batch}:{step}",
            $"AfterBackward:{epoch}:{batch}:{step}",
            .. steps ? new[] { $"BeforeStep:{epoch}:{batch}:{step}", $"AfterStep:{epoch}:{batch}:{step + 1}" } : [],
            $"AfterBatch:{epoch}:{batch}:{step + (steps ? 1 : 0)}",
        ];
        string[] Epoch(int epoch, int step) =>
        [
            $"BeforeEpoch:{epoch}:0:{step}", .. Batch(epoch, 0, step, false), .. Batch(epoch, 1, step, true),
            $"BeforeEvaluate:{epoch}:2:{step + 1}", $"AfterEvaluate:{epoch}:2:{step + 1}", $"AfterEpoch:{epoch}:2:{step + 1}",
        ];
        Assert.Equal(["BeforeFit:0:0:0", .. Epoch(0, 0), .. Epoch(1, 1), "AfterFit:2:2:2"], recorder.Events);
        Assert.Equal(new LearnerResult(0, 2, 2, false), result);
    }

    [Fact]
    public void LearnerFollowsExactlyTheHandWrittenLoop()
    {
        var (m1, x, y) = Regression(2);
        var (m2, _, _) = Regression(2);
        var o1 = new Adam(m1.Parameters(), new AdamOptions { LearningRate = 0.05 });
        var o2 = new Adam(m2.Parameters(), new AdamOptions { LearningRate = 0.05 });
        var mse = new MseLoss();
        var losses = new List<double>();
        for (var epoch = 0; epoch < 3; epoch++)
        {
            foreach (var (bx, by) in Halves(x, y))
            {
                o1.ZeroGrad();
                var l = mse.Forward(m1.Forward(bx), by);
                l.Backward();
                o1.Step();
                losses.Add(l.Item());
            }
        }

        var seen = new List<double>();
        var learner = new Learner<Tensor, Tensor>(m2, o2, m2.Forward, mse.Forward)
        {
            Callbacks = [new ActionCallback(LearnerEvent.AfterBatch, l => seen.Add(l.Loss))],
        };
        learner.Fit(3, Halves(x, y).ToList());
        Assert.Equal(losses, seen);
        AssertSameParameters(m1, m2);
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement()
    {
        var (model, x, y) = Regression(3);
        double[] validation = [3, 2, 2.5, 2.1, 2.2, 1];
        var stopper = new EarlyStopping(patience: 3);
        var epochs = 0;
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01 }), model.Forward, new MseLoss().Forward)
        {
            Evaluation = m => m[Learner.ValidationLossMetric] = validation[epochs++],
            Callbacks = [stopper],
        };
        var result = learner.Fit(6, [(x, y)]);
        Assert.True(result.Stopped);
        Assert.True(stopper.Stopped);
        Assert.Equal(5, result.Epochs); // best at epoch 2, then 3 epochs without improvement
        Assert.Equal(2, stopper.BestEpoch);
        Assert.Equal(validation[1], stopper.Best);
    }

    [Fact]
    public void AccumulatingTwoHalvesEqualsOneBatchOfTheWhole()
    {
        var (m1, x, y) = Regression(4);
        var (m2, _, _) = Regression(4);
        var whole = new Learner<Tensor, Tensor>(m1, new Sgd(m1.Parameters(), new SgdOptions { LearningRate = 0.1 }), m1.Forward, new MseLoss().Forward);
        var halves = new Learner<Tensor, Tensor>(m2, new Sgd(m2.Parameters(), new SgdOptions { LearningRate = 0.1 }), m2.Forward,
            new MseLoss().Forward, new LearnerOptions { AccumulationSteps = 2 });
        Assert.Equal(3, whole.Fit(3, [(x, y)]).Steps);
        Assert.Equal(3, halves.Fit(3, Halves(x, y).ToList()).Steps);

        // The same gradient summed in a different order (two halves scaled by 1/2 vs one mean): float rounding only.
        foreach (var (a, b) in m1.Parameters().Zip(m2.Parameters()))
        {
            for (var i = 0; i < a.Length; i++)
            {
                Assert.Equal(a.Span[i], b.Span[i], 1e-6f);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ClippingEqualsClippingByHandBeforeEachStep(bool byNorm)
    {
        var (m1, x, y) = Regression(5);
        var (m2, _, _) = Regression(5);
        var o1 = new Sgd(m1.Parameters(), new SgdOptions { LearningRate = 0.5 });
        var mse = new MseLoss();
        for (var s = 0; s < 4; s++)
        {
            o1.ZeroGrad();
            mse.Forward(m1.Forward(x), y).Backward();
            if (byNorm)
            {
                GradientClipping.ClipGradNorm(m1.Parameters(), 0.05);
            }
            else
            {
                GradientClipping.ClipGradValue(m1.Parameters(), 0.01);
            }

            o1.Step();
        }

        var options = byNorm ? new LearnerOptions { MaxGradNorm = 0.05 } : new LearnerOptions { ClipValue = 0.01 };
        new Learner<Tensor, Tensor>(m2, new Sgd(m2.Parameters(), new SgdOptions { LearningRate = 0.5 }), m2.Forward, mse.Forward, options)
            .Fit(4, [(x, y)]);
        AssertSameParameters(m1, m2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearnerOptions { MaxGradNorm = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearnerOptions { AccumulationSteps = 0 });
    }

    [Fact]
    public void EvaluationSeesTheEmaWeightsAndTrainingGoesOnWithTheTrainedOnes()
    {
        var (model, x, y) = Regression(6);
        var ema = new ExponentialMovingAverage(model.Parameters(), decay: 0.5);
        var weight = model.Parameters().First();
        var seen = new List<(float[] Evaluated, float[] Shadow)>();
        var afterEpoch = new List<float[]>();
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 }), model.Forward, new MseLoss().Forward)
        {
            Ema = ema,
            Evaluation = _ => seen.Add((weight.ToArray(), ema.Shadows[0].ToArray())),
            Callbacks = [new ActionCallback(LearnerEvent.AfterEpoch, _ => afterEpoch.Add(weight.ToArray()))],
        };
        learner.Fit(3, [(x, y)]);
        Assert.Equal(3, ema.Updates);
        Assert.All(seen, s => Assert.Equal(s.Shadow, s.Evaluated));
        // The first update copies the weights; from the second on the average lags them.
        Assert.All(afterEpoch.Zip(seen).Skip(1), p => Assert.NotEqual(p.Second.Evaluated, p.First));
        Assert.False(ema.IsSwappedIn);
    }

    [Fact]
    public void ANonFiniteLossStopsBeforeTheUpdateNamingEpochBatchAndStep()
    {
        var (model, x, y) = Regression(7);
        var losses = new List<double>();
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 1e30 }), model.Forward, new MseLoss().Forward)
        {
            Callbacks = [new ActionCallback(LearnerEvent.AfterLoss, l => losses.Add(l.Loss)), new DivergenceDetection()],
        };
        var e = Assert.Throws<TrainingDivergedException>(() => learner.Fit(5, Halves(x, y).ToList()));
        var at = losses.FindIndex(l => !double.IsFinite(l));
        Assert.Equal(losses.Count - 1, at);
        Assert.Equal(at, e.Step); // one step per batch: the diverged batch's update did not happen
        Assert.Equal(at / 2, e.Epoch);
        Assert.Equal(at % 2, e.Batch);
        Assert.Equal(at, learner.Step);
        Assert.Null(e.Parameter);
        Assert.Contains($"at epoch {e.Epoch + 1}, batch {e.Batch + 1} (step {e.Step})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AParameterThatBecomesNonFiniteIsNamed()
    {
        var (model, x, y) = Regression(8);
        var (name, poisoned) = model.NamedParameters().Last();
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 }), model.Forward, new MseLoss().Forward)
        {
            Callbacks =
            [
                new ActionCallback(LearnerEvent.AfterStep, l => poisoned.Span[0] = l.Step == 3 ? float.PositiveInfinity : poisoned.Span[0]),
                new DivergenceDetection { CheckParameters = true },
            ],
        };
        var e = Assert.Throws<TrainingDivergedException>(() => learner.Fit(5, [(x, y)]));
        Assert.Equal(name, e.Parameter);
        Assert.Equal(3, e.Step);
        Assert.Equal(2, e.Epoch);
        Assert.True(double.IsFinite(e.Loss));
        Assert.Contains($"parameter '{e.Parameter}'", e.Message, StringComparison.Ordinal);
    }

    private (Learner<Tensor, int[]> Learner, EarlyStopping Best, Sequential Model) Classifier(int epochs, bool resume,
        Func<Sequential, Optimizer>? createOptimizer = null)
    {
        var data = Datasets.Digits().TakePerClass(8, seed: 1);
        var model = new Sequential(new Linear(64, 16, new Rng(9)), new Relu(), new Dropout(0.2, new Rng(10)), new Linear(16, 10, new Rng(11)));
        var optimizer = createOptimizer?.Invoke(model) ?? new Adam(model.Parameters(), new AdamOptions { LearningRate = 1e-2 });
        var best = new EarlyStopping();
        var evaluated = 0;
        var learner = new Learner<Tensor, int[]>(model, optimizer, model.Forward, new CrossEntropyLoss().Forward)
        {
            Scheduler = new StepScheduler(optimizer, stepSize: 5, gamma: 0.5),
            Evaluation = m => m[Learner.ValidationLossMetric] = Trainer.Evaluate(model, data).Loss + (0 * evaluated++),
            Callbacks = [best, new Checkpointing(dir) { Resume = resume, Best = best }],
        };
        return (learner, best, model);
    }

    [Fact]
    public void ResumingFromCheckpointingEndsBitIdenticalToAnUninterruptedRun() => AssertResumesBitIdentical(null);

    /// <summary>The low-precision states (8-bit codes and absmax, bf16 moments with stochastic rounding, bf16 parameters)
    /// and Muon+AdamW (momentum buffers of both parts) resume through the Learner's checkpoints bit for bit.</summary>
    [Theory]
    [InlineData("adam8bit", "")]
    [InlineData("adamw8bit", "")]
    [InlineData("adamw8bit", "bf16")]
    [InlineData("adamw8bit", "cpu")]
    [InlineData("muon", "")]
    public void ResumingLowPrecisionStatesAndMuonIsBitIdentical(string name, string variant)
    {
        var values = new Dictionary<string, double> { ["lr"] = name == "muon" ? 0.02 : 1e-2 };
        var choices = new Dictionary<string, string>();
        if (name != "muon")
        {
            values["min_8bit_size"] = 0; // every layer 8-bit (the test layers are smaller than bitsandbytes' 4096)
        }

        if (variant == "bf16")
        {
            (choices["exp_avg_precision"], choices["exp_avg_sq_precision"]) = ("bf16", "int8_blockwise");
            (values["stochastic_rounding"], values["bf16_params"], values["seed"]) = (1, 1, 7);
        }
        else if (variant == "cpu")
        {
            choices["convention"] = "cpu";
        }

        AssertResumesBitIdentical(model => OptimizerRegistry.CreateNamed(name, model.NamedParameters(), values, choices));
    }

    private void AssertResumesBitIdentical(Func<Sequential, Optimizer>? createOptimizer)
    {
        var loader = new DataLoader(Datasets.Digits().TakePerClass(8, seed: 1), 16, shuffle: true, seed: 4);
        var (uninterrupted, best1, m1) = Classifier(4, resume: false, createOptimizer);
        uninterrupted.Fit(4, Learner.Batches(loader), loader.BatchCount);
        Directory.Delete(dir, true);

        var (first, _, _) = Classifier(2, resume: false, createOptimizer);
        first.Fit(2, Learner.Batches(loader), loader.BatchCount);
        var (resumed, best2, m2) = Classifier(4, resume: true, createOptimizer);
        var result = resumed.Fit(4, Learner.Batches(loader), loader.BatchCount);
        Assert.Equal(2, result.StartEpoch);
        Assert.Equal(4, result.Epochs);
        Assert.Equal(uninterrupted.Step, resumed.Step);
        Assert.Equal(2 * loader.BatchCount, result.Steps);
        AssertSameParameters(m1, m2);
        Assert.Equal(uninterrupted.Optimizer.Groups[0].LearningRate, resumed.Optimizer.Groups[0].LearningRate);
        Assert.Equal(best1.BestEpoch, best2.BestEpoch);
        Assert.Equal(best1.Best, best2.Best);
        Assert.True(File.Exists(Checkpointing.BestPathIn(dir)));
    }

    [Theory]
    [InlineData(ScheduleInterval.Step)]
    [InlineData(ScheduleInterval.Epoch)]
    public void TheScheduleStepsPerStepOrPerEpoch(ScheduleInterval interval)
    {
        var (model, x, y) = Regression(10);
        var optimizer = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 });
        var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, new MseLoss().Forward, new LearnerOptions { ScheduleInterval = interval })
        {
            Scheduler = new StepScheduler(optimizer, stepSize: 1, gamma: 0.5),
        };
        learner.Fit(2, Halves(x, y).ToList());

        var reference = new StepScheduler(new Sgd(Regression(10).Model.Parameters(), new SgdOptions { LearningRate = 0.1 }), stepSize: 1, gamma: 0.5);
        for (var i = 0; i < (interval == ScheduleInterval.Step ? 4 : 2); i++)
        {
            reference.Step();
        }

        Assert.Equal(reference.LastLearningRates, ((LearningRateScheduler)learner.Scheduler!).LastLearningRates);
        Assert.Equal(reference.Optimizer.Groups[0].LearningRate, optimizer.Groups[0].LearningRate);
    }

    [Fact]
    public void APlateauScheduleReadsItsMetricAfterEachEpoch()
    {
        var (model, x, y) = Regression(11);
        var optimizer = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 });
        var plateau = new ReduceOnPlateauScheduler(optimizer, factor: 0.5, patience: 1);
        var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, new MseLoss().Forward,
            new LearnerOptions { ScheduleInterval = ScheduleInterval.Epoch, PlateauMetric = "score" })
        {
            Scheduler = plateau,
            Evaluation = m => m["score"] = 7,
        };
        learner.Fit(4, [(x, y)]);

        var reference = new ReduceOnPlateauScheduler(new Sgd(Regression(11).Model.Parameters(), new SgdOptions { LearningRate = 0.1 }), factor: 0.5, patience: 1);
        for (var i = 0; i < 4; i++)
        {
            reference.Step(7);
        }

        Assert.Equal(reference.LastLearningRates, plateau.LastLearningRates);
        Assert.True(plateau.LastLearningRates[0] < 0.1);
    }

    [Fact]
    public void MaxStepsAndStopEndTheFitAfterTheEpochsEvaluation()
    {
        var (model, x, y) = Regression(12);
        var evaluations = 0;
        var learner = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01 }), model.Forward,
            new MseLoss().Forward, new LearnerOptions { MaxSteps = 3 })
        {
            Evaluation = _ => evaluations++,
        };
        var r = learner.Fit(10, Halves(x, y).ToList());
        Assert.Equal((3L, 2, 2), (r.Steps, r.Epochs, evaluations));

        var stopping = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01 }), model.Forward, new MseLoss().Forward)
        {
            Callbacks = [new ActionCallback(LearnerEvent.AfterBatch, l => l.Stop())],
        };
        var s = stopping.Fit(10, Halves(x, y).ToList());
        Assert.Equal((1L, 1, true), (s.Steps, s.Epochs, s.Stopped));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var never = new Learner<Tensor, Tensor>(model, new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01 }), model.Forward, new MseLoss().Forward)
        {
            Cancellation = cancelled.Token,
        };
        Assert.Throws<OperationCanceledException>(() => never.Fit(1, [(x, y)]));
    }

    [Fact]
    public void AClosureLearnerStepsBareParametersWithItsOwnGradients()
    {
        // f(p) = ½‖p‖², gradient p: plain gradient descent scales p by (1 − lr) per step.
        var p = new Parameter(2);
        p[0] = 3;
        p[1] = -4;
        var learner = new Learner<int, int>(new Sgd([p], new SgdOptions { LearningRate = 0.5 }),
            (_, _) => 0.5 * ((p[0] * p[0]) + (p[1] * p[1])),
            (_, _) => p.Grad = p.Clone());
        learner.Fit(1, Enumerable.Repeat((0, 0), 3));
        Assert.Equal(3 * 0.125f, p[0]);
        Assert.Equal(-4 * 0.125f, p[1]);
    }

    [Fact]
    public void ASteadyStateStepInAWorkspaceStaysWithinTheSmallMlpBound()
    {
        var (model, optimizer, x, y) = WorkspaceTests.SmallMlp(seed: 3);
        var workspace = new Workspace();
        var learner = new Learner<Tensor, Tensor>(model, optimizer, model.Forward, new MseLoss().Forward) { Workspace = workspace };
        for (var i = 0; i < 20; i++)
        {
            learner.TrainBatch(x, y);
        }

        var reserved = workspace.ReservedBytes;
        const int steps = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < steps; i++)
        {
            learner.TrainBatch(x, y);
        }

        var perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
        Assert.True(perStep <= WorkspaceTests.SmallMlpStepBound, $"a steady-state learner step allocated {perStep} bytes (bound {WorkspaceTests.SmallMlpStepBound})");
        Assert.Equal(reserved, workspace.ReservedBytes);
    }

    private static void AssertSameParameters(Module expected, Module actual)
    {
        foreach (var (a, b) in expected.Parameters().Zip(actual.Parameters()))
        {
            Assert.True(MemoryMarshal.AsBytes(a.Span).SequenceEqual(MemoryMarshal.AsBytes(b.Span)), "parameters differ");
        }
    }
}
