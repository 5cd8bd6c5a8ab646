using Descent.Data;
using Descent.Experiments.Transfer;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "descent-trainer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }
    }

    private static (Dataset Train, Dataset Validation) Digits()
    {
        var all = Datasets.Digits().Reshape(1, 8, 8);
        return all.TakePerClass(20, seed: 1).Split(0.25, seed: 2);
    }

    private static (Sequential Model, Adam Optimizer) Build(ulong seed)
    {
        var model = SmallCnn.Create(10, new Rng(seed), imageSize: 8, dropout: 0.2, dropoutSeed: seed);
        return (model, new Adam(model.Parameters(), new AdamOptions { LearningRate = 3e-3 }));
    }

    [Fact]
    public void ResumingFromTheLastCheckpointEndsWithExactlyTheUninterruptedWeights()
    {
        var (train, val) = Digits();
        var (m1, o1) = Build(7);
        var r1 = new Trainer(m1, o1, new TrainerOptions { Epochs = 4 }).Fit(new DataLoader(train, 16, shuffle: true, seed: 3), val);
        Assert.Equal(4, r1.History.Count);

        // Interrupted: two epochs, then fresh objects resume from last.safetensors for the remaining two.
        var (m2, o2) = Build(7);
        new Trainer(m2, o2, new TrainerOptions { Epochs = 2, CheckpointDirectory = dir }).Fit(new DataLoader(train, 16, shuffle: true, seed: 3), val);
        var (m3, o3) = Build(99);
        var r3 = new Trainer(m3, o3, new TrainerOptions { Epochs = 4, CheckpointDirectory = dir, Resume = true })
            .Fit(new DataLoader(train, 16, shuffle: true, seed: 3), val);
        Assert.Equal(2, r3.ResumedFromEpoch);
        Assert.Equal(4, r3.History.Count);
        foreach (var (name, t) in m1.StateDict())
        {
            Assert.Equal(t.ToArray(), m3.StateDict()[name].ToArray());
        }

        Assert.Equal(r1.History[^1].ValidationLoss, r3.History[^1].ValidationLoss);
    }

    [Fact]
    public void ResumingWithAugmentedBatchesEndsWithExactlyTheUninterruptedWeights()
    {
        var (train, val) = Digits();
        var augmentation = new ImageAugmentation { MaxShift = 1, HorizontalFlip = true, Seed = 5 };
        DataLoader Loader() => new(train, 16, shuffle: true, seed: 3) { Augmentation = augmentation };
        var (m1, o1) = Build(7);
        var r1 = new Trainer(m1, o1, new TrainerOptions { Epochs = 3 }).Fit(Loader(), val);

        var (m2, o2) = Build(7);
        new Trainer(m2, o2, new TrainerOptions { Epochs = 1, CheckpointDirectory = dir }).Fit(Loader(), val);
        var (m3, o3) = Build(99);
        var r3 = new Trainer(m3, o3, new TrainerOptions { Epochs = 3, CheckpointDirectory = dir, Resume = true }).Fit(Loader(), val);
        Assert.Equal(1, r3.ResumedFromEpoch);
        foreach (var (name, t) in m1.StateDict())
        {
            Assert.Equal(t.ToArray(), m3.StateDict()[name].ToArray());
        }

        Assert.Equal(r1.History[^1].ValidationLoss, r3.History[^1].ValidationLoss);

        // The augmentation changes training: without it the same seeds end elsewhere.
        var (m4, o4) = Build(7);
        new Trainer(m4, o4, new TrainerOptions { Epochs = 3 }).Fit(new DataLoader(train, 16, shuffle: true, seed: 3), val);
        Assert.NotEqual(m1.StateDict()["0.weight"].ToArray(), m4.StateDict()["0.weight"].ToArray());
    }

    [Fact]
    public void AHalfWrittenCheckpointNeverReplacesTheLastGoodOne()
    {
        var (train, val) = Digits();
        var (m, o) = Build(7);
        new Trainer(m, o, new TrainerOptions { Epochs = 1, CheckpointDirectory = dir }).Fit(new DataLoader(train, 16), val);
        var good = File.ReadAllBytes(Trainer.LastPath(dir));
        // A crash during the next write leaves only a hidden temporary file beside the intact checkpoint.
        File.WriteAllBytes(Path.Combine(dir, ".last.safetensors.123.tmp"), good[..(good.Length / 2)]);
        var (m2, o2) = Build(8);
        var r = new Trainer(m2, o2, new TrainerOptions { Epochs = 1, CheckpointDirectory = dir, Resume = true }).Fit(new DataLoader(train, 16), val);
        Assert.Equal(1, r.ResumedFromEpoch);
        Assert.Equal(0, r.Steps);
        foreach (var (name, t) in m.StateDict())
        {
            Assert.Equal(t.ToArray(), m2.StateDict()[name].ToArray());
        }
    }

    [Fact]
    public void MetricsMatchAnIndependentEvaluation()
    {
        var (train, val) = Digits();
        var (m, o) = Build(3);
        var r = new Trainer(m, o, new TrainerOptions { Epochs = 2 }).Fit(new DataLoader(train, 32), val);
        var (loss, accuracy) = Trainer.Evaluate(m, val, 7);
        Assert.Equal(loss, r.History[^1].ValidationLoss!.Value, 5);
        Assert.Equal(accuracy, r.History[^1].ValidationAccuracy!.Value, 10);
        Assert.InRange(r.History[^1].TrainAccuracy, 0, 1);
        Assert.True(r.History[^1].SamplesPerSecond > 0);
    }

    [Fact]
    public void DivergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint()
    {
        var (train, val) = Digits();
        var model = SmallCnn.Create(10, new Rng(1), imageSize: 8);
        var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.05 });
        new Trainer(model, sgd, new TrainerOptions { Epochs = 1, CheckpointDirectory = dir }).Fit(new DataLoader(train, 16), val);
        var good = File.ReadAllBytes(Trainer.LastPath(dir));
        var exploding = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 1e30 });
        var r = new Trainer(model, exploding, new TrainerOptions { Epochs = 3, CheckpointDirectory = dir }).Fit(new DataLoader(train, 16), val);
        Assert.NotNull(r.DivergenceMessage);
        Assert.Contains("training stopped", r.DivergenceMessage, StringComparison.Ordinal);
        Assert.Contains("epoch 1, batch", r.DivergenceMessage, StringComparison.Ordinal);
        Assert.Contains("SGD", r.DivergenceMessage, StringComparison.Ordinal);
        Assert.Contains(Trainer.LastPath(dir), r.DivergenceMessage, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(Trainer.LastPath(dir)));
    }

    [Fact]
    public void EarlyStoppingAndBestCheckpoint()
    {
        var (train, val) = Digits();
        var (m, _) = Build(4);
        var sgd = new Sgd(m.Parameters(), new SgdOptions { LearningRate = 0.0 });
        var r = new Trainer(m, sgd, new TrainerOptions { Epochs = 10, EarlyStoppingPatience = 2, CheckpointDirectory = dir })
            .Fit(new DataLoader(train, 16), val);
        Assert.True(r.StoppedEarly);
        Assert.Equal(3, r.History.Count);
        Assert.Equal(1, r.BestEpoch);
        Assert.True(File.Exists(Trainer.BestPath(dir)));
    }

    [Fact]
    public void FreezingStopsUpdatesAndPatternsMustMatch()
    {
        var (train, _) = Digits();
        var model = SmallCnn.Create(10, new Rng(5), imageSize: 8);
        var frozen = FineTuning.Freeze(model, SmallCnn.Body);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias"], frozen);
        Assert.Equal(["11.weight", "11.bias"], FineTuning.TrainableNames(model));
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var adam = new Adam(model.Parameters(), new AdamOptions { LearningRate = 1e-2 });
        new Trainer(model, adam, new TrainerOptions { Epochs = 1 }).Fit(new DataLoader(train, 16), null);
        Assert.Equal(before["4.weight"], model.StateDict()["4.weight"].ToArray());
        Assert.NotEqual(before["11.weight"], model.StateDict()["11.weight"].ToArray());
        var e = Assert.Throws<ArgumentException>(() => FineTuning.Freeze(model, "nope.*"));
        Assert.Contains("11.weight", e.Message, StringComparison.Ordinal);
        Assert.True(FineTuning.Matches("8.weight", "*.weight"));
        Assert.False(FineTuning.Matches("18.weight", "8.*"));
    }

    [Fact]
    public void GradualUnfreezingAndNoDecayGroups()
    {
        var model = SmallCnn.Create(5, new Rng(6), imageSize: 8);
        var schedule = new GradualUnfreezing(2, [.. SmallCnn.Stages]);
        Assert.Equal(["11.weight", "11.bias"], schedule.Apply(model, 0));
        Assert.Equal(["8.weight", "8.bias", "11.weight", "11.bias"], schedule.Apply(model, 2));
        Assert.Equal(10, schedule.Apply(model, 100).Count);

        var options = new AdamWOptions { LearningRate = 1e-3, WeightDecay = 0.01 };
        var groups = FineTuning.Groups(model, name =>
        {
            var o = FineTuning.Matches(name, "11.*") ? options with { LearningRate = 1e-2 } : options;
            return FineTuning.IsNoDecay(model, name) ? o with { WeightDecay = 0 } : o;
        });
        Assert.Equal(4, groups.Count);
        var adamw = new AdamW(groups);
        Assert.Equal(4, adamw.Groups.Count);
        Assert.True(FineTuning.IsNoDecay(model, "1.weight"));
        Assert.True(FineTuning.IsNoDecay(model, "0.bias"));
        Assert.False(FineTuning.IsNoDecay(model, "0.weight"));

        var head = FineTuning.ReplaceHead(model, 3, new Rng(1));
        Assert.Equal([3, 32], head.Weight.Shape.ToArray());
        Assert.Same(head, model[11]);
    }
}
