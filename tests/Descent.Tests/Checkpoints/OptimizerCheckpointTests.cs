using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Tests.Checkpoints;

/// <summary>Optimizer and schedule state save/load: resuming is bit-identical for every optimizer in the
/// registry (and variants with momentum, Nesterov, AMSGrad), with a warmup→cosine SequentialLR; mismatches
/// fail naming the parameter and both shapes.</summary>
public class OptimizerCheckpointTests
{
    private const int N = 6;
    private const int M = 7;

    public static TheoryData<string, string> Optimizers()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in OptimizerRegistry.Names)
        {
            data.Add(name, string.Empty);
        }

        (string Name, string Hyper)[] variants =
        [
            ("sgd", "momentum=0.9"), ("sgd", "momentum=0.9,nesterov=1,weight_decay=0.01"), ("sgd", "momentum=0.5,dampening=0.3"),
            ("adam", "amsgrad=1,weight_decay=0.01"), ("adamw", "amsgrad=1"), ("rmsprop", "momentum=0.9,centered=1"),
            ("nadam", "decoupled_weight_decay=1,weight_decay=0.01"), ("radam", "weight_decay=0.01"), ("adafactor", "factored=0"),
        ];
        foreach (var (name, hyper) in variants)
        {
            if (OptimizerRegistry.Contains(name))
            {
                data.Add(name, hyper);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ResumeIsBitIdentical(string name, string hyper)
    {
        var hp = ParseHyper(hyper);

        // Uninterrupted N + M steps.
        var (refModel, refOpt, refSched) = Build(name, hp);
        for (var s = 0; s < N + M; s++)
        {
            TrainStep(refModel, refOpt, refSched, s);
        }

        // N steps, save weights + optimizer + schedule in one file.
        var (model, opt, sched) = Build(name, hp);
        for (var s = 0; s < N; s++)
        {
            TrainStep(model, opt, sched, s);
        }

        var path = Path.Combine(Path.GetTempPath(), $"descent-resume-{Guid.NewGuid():N}.safetensors");
        try
        {
            var tensors = model.NamedParameters().Select(p => SafetensorsTensor.FromTensor(p.Name, p.Parameter)).ToList();
            var metadata = new Dictionary<string, string>();
            OptimizerCheckpoint.AddTo(tensors, metadata, opt, model.NamedParameters(), sched);
            SafetensorsFile.Write(path, tensors, metadata);

            // Fresh objects (different initial weights on purpose), load, M more steps.
            var (model2, opt2, sched2) = Build(name, hp, seed: 99);
            var file = SafetensorsFile.Read(path);
            foreach (var (n, p) in model2.NamedParameters())
            {
                file[n].FloatValues.CopyTo(p.Span);
            }

            OptimizerCheckpoint.LoadFrom(file, opt2, model2.NamedParameters(), sched2);
            Assert.Equal(opt.Groups[0].LearningRate, opt2.Groups[0].LearningRate);
            for (var s = N; s < N + M; s++)
            {
                TrainStep(model2, opt2, sched2, s);
            }

            var expected = refModel.NamedParameters().ToList();
            var actual = model2.NamedParameters().ToList();
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(Bits(expected[i].Parameter), Bits(actual[i].Parameter));
                var es = refOpt.GetState(expected[i].Parameter);
                var @as = opt2.GetState(actual[i].Parameter);
                Assert.Equal(es?.Step, @as?.Step);
                Assert.Equal(es?.Tensors.Select(t => (t.Key, Bits(t.Value))), @as?.Tensors.Select(t => (t.Key, Bits(t.Value))));
            }

            Assert.Equal(refOpt.Groups[0].BaseOptions, opt2.Groups[0].BaseOptions);
            Assert.Equal(refSched.LastLearningRates, sched2.LastLearningRates);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WrongShapeNamesParameterAndBothShapes()
    {
        var path = SaveAdamState(out _);
        try
        {
            var other = new Sequential(new Linear(4, 3, new Rng(1)), new Linear(3, 5, new Rng(2)));
            var opt = OptimizerRegistry.Create("adam", other.Parameters());
            var ex = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, opt, other));
            Assert.Contains("parameter '1.weight'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
            Assert.Contains("[5, 3]", ex.Message, StringComparison.Ordinal);
            Assert.Equal("1.weight", ex.Entry);
            Assert.Null(opt.GetState(other.Parameters().First()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingEntryNamesParameter()
    {
        var path = SaveAdamState(out var model);
        try
        {
            var file = SafetensorsFile.Read(path);
            SafetensorsFile.Write(path, file.Tensors.Where(t => t.Name != "state.0.bias.exp_avg_sq"), file.Metadata);
            var opt = OptimizerRegistry.Create("adam", model.Parameters());
            var ex = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, opt, model));
            Assert.Contains("parameter '0.bias': the state entry 'exp_avg_sq' (tensor 'state.0.bias.exp_avg_sq') is missing", ex.Message, StringComparison.Ordinal);
            Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MismatchedOptimizerOrNamesFail()
    {
        var path = SaveAdamState(out var model);
        try
        {
            var sgd = OptimizerRegistry.Create("sgd", model.Parameters());
            Assert.Contains("holds the state of Adam, but the optimizer is SGD",
                Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, sgd, model)).Message, StringComparison.Ordinal);
            var adam = OptimizerRegistry.Create("adam", model.Parameters());
            var renamed = model.NamedParameters().Select(p => (p.Name == "0.weight" ? "encoder.weight" : p.Name, p.Parameter));
            Assert.Contains("parameter '0.weight' of the checkpoint is not in the model (the optimizer has 'encoder.weight' in its place)",
                Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, adam, renamed)).Message, StringComparison.Ordinal);
            Assert.Contains("holds no schedule state",
                Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, adam, model, new ExponentialScheduler(adam, 0.9))).Message,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string SaveAdamState(out Sequential model)
    {
        model = new Sequential(new Linear(4, 3, new Rng(1)), new Linear(3, 2, new Rng(2)));
        var opt = OptimizerRegistry.Create("adam", model.Parameters());
        TrainStep(model, opt, null, 0);
        var path = Path.Combine(Path.GetTempPath(), $"descent-opt-{Guid.NewGuid():N}.safetensors");
        OptimizerCheckpoint.Save(path, opt, model);
        return path;
    }

    private static (Sequential Model, Optimizer Optimizer, LearningRateScheduler Scheduler) Build(
        string name, Dictionary<string, double> hp, ulong seed = 5)
    {
        var model = new Sequential(new Linear(5, 4, new Rng(seed)), new Linear(4, 3, new Rng(seed + 1)));
        var opt = OptimizerRegistry.Create(name, model.Parameters(), hp);
        var warmup = new LinearScheduler(opt, 0.1, 1.0, 3);
        var cosine = new CosineAnnealingScheduler(opt, 10, 1e-5);
        return (model, opt, new SequentialScheduler(opt, [warmup, cosine], [3]));
    }

    /// <summary>Deterministic gradients that depend on the weights (so the state matters), with one parameter
    /// skipped at some steps.</summary>
    private static void TrainStep(Module model, Optimizer opt, LearningRateScheduler? sched, int step)
    {
        var k = 0;
        foreach (var (n, p) in model.NamedParameters())
        {
            k++;
            if (n == "1.bias" && step % 3 == 1)
            {
                p.Grad = null;
                continue;
            }

            var g = new Tensor(p.Shape);
            for (var i = 0; i < g.Length; i++)
            {
                g[i] = (0.3f * p[i]) + (0.5f * MathF.Sin((step * 1.7f) + (k * 0.37f) + i));
            }

            p.Grad = g;
        }

        opt.Step();
        sched?.Step();
    }

    private static Dictionary<string, double> ParseHyper(string text) => text.Length == 0
        ? []
        : text.Split(',').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));

    private static uint[] Bits(Tensor t) => [.. t.ToArray().Select(BitConverter.SingleToUInt32Bits)];
}
