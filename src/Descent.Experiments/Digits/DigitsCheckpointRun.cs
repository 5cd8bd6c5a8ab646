using Descent.Data;
using Descent.Experiments.Transfer;
using Descent.Optimizers;
using Descent.Schedulers;
using Descent.Training;

namespace Descent.Experiments.Digits;

/// <summary>
/// A small, fast, deterministic training job behind the hidden <c>descent train</c> (used by the crash-and-resume tests):
/// the small CNN (BatchNorm, dropout 0.2) on the built-in 8×8 digits (<paramref name="perClass"/> per class, 20 % of them
/// for validation) with AdamW (weight decay 0.01), a cosine schedule over the epochs and seeded shuffling, checkpointing
/// <c>last.safetensors</c> and <c>best.safetensors</c> into the output folder after every epoch.
/// </summary>
public static class DigitsCheckpointRun
{
    /// <summary>Trains; <paramref name="onEpochStart"/> receives the 0-based epoch before it starts; <paramref name="callbacks"/>
    /// run before the trainer's own (e.g. a data-parallel one: see <see cref="Trainer.Callbacks"/>).</summary>
    public static TrainingResult Run(string outDir, int epochs, int seed, double learningRate, int batchSize, int perClass, bool resume,
        Action<int>? onEpochStart = null, IProgress<TrainingProgress>? progress = null, IReadOnlyList<LearnerCallback>? callbacks = null)
    {
        var s = (ulong)seed;
        var (train, validation) = Datasets.Digits().Reshape(1, 8, 8).TakePerClass(perClass, s).Split(0.2, s + 1);
        var model = SmallCnn.Create(10, new Rng(s + 2), imageSize: 8, dropout: 0.2, dropoutSeed: s + 3);
        var optimizer = new AdamW(model.Parameters(), new AdamWOptions { LearningRate = learningRate, WeightDecay = 0.01 });
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, CheckpointDirectory = outDir, Resume = resume })
        {
            Scheduler = new CosineAnnealingScheduler(optimizer, epochs),
            OnEpochStart = onEpochStart,
            Callbacks = callbacks ?? [],
        };
        return trainer.Fit(new DataLoader(train, batchSize, shuffle: true, seed: s + 4), validation, progress);
    }
}
