using System.Globalization;
using Descent.Cli.Commands;
using Descent.Data;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Cli.Transfer;

/// <summary>
/// The transfer flagship: a <see cref="SmallCnn"/> pretrained on Fashion-MNIST classes 0–4, then fine-tuned on
/// classes 5–9 with few labels, compared with the same network trained from scratch for the same number of
/// steps, under each optimizer. Test accuracy is measured on held-out test images of classes 5–9.
/// </summary>
public static class TransferExperiment
{
    /// <summary>The source classes.</summary>
    public static readonly int[] SourceClasses = [0, 1, 2, 3, 4];

    /// <summary>The target classes.</summary>
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    /// <summary>Finds the data: <paramref name="directory"/>, else the Debian package, else the shipped subset.</summary>
    public static (string Directory, string Description) LocateData(string? directory)
    {
        if (directory is not null)
        {
            if (!FashionMnist.IsInstalled(directory))
            {
                throw new CliException($"--data {directory}: the four Fashion-MNIST files ({FashionMnist.TrainImages}, …) are not there.");
            }

            return (directory, directory);
        }

        if (FashionMnist.IsInstalled())
        {
            return (FashionMnist.DefaultDirectory, $"{FashionMnist.DefaultDirectory} (Debian package)");
        }

        var subset = DataCommand.FindSubset() ?? throw new CliException(
            $"Fashion-MNIST is not installed. Install it with '{FashionMnist.InstallCommand}', or pass --data PATH; 'descent data' shows what is available.");
        return (subset, $"{subset} (shipped subset: 300 train / 100 test images per class)");
    }

    /// <summary>Pretrains on classes 0–4; writes <c>pretrain/best.safetensors</c> and returns its path.</summary>
    public static string Pretrain(TransferSettings s, string dataDirectory, Action<string> log, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(log);
        var train = FashionMnist.Load(true, dataDirectory).SelectClasses(SourceClasses).TakePerClass(s.PretrainPerClass, (ulong)s.Seed);
        var (fit, val) = train.Split(0.1, (ulong)s.Seed + 1);
        var model = SmallCnn.Create(SourceClasses.Length, new Rng((ulong)s.Seed));
        var optimizer = CreateOptimizer("adam", model, s.LearningRate ?? 1e-3);
        var dir = Path.Combine(s.OutputDirectory, "pretrain");
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = s.PretrainEpochs, CheckpointDirectory = dir, Resume = s.Resume });
        log($"pretraining on classes 0–4: {fit.Count} images, {s.PretrainEpochs} epochs, Adam");
        var result = trainer.Fit(new DataLoader(fit, 64, shuffle: true, seed: (ulong)s.Seed), val, progress);
        if (result.DivergenceMessage is { } m)
        {
            throw new CliException(m);
        }

        var last = result.History[^1];
        log(string.Create(CultureInfo.InvariantCulture, $"pretrained: validation accuracy {last.ValidationAccuracy:P1} on classes 0–4 → {Trainer.BestPath(dir)}"));
        return Trainer.BestPath(dir);
    }

    /// <summary>Runs fine-tuning and from-scratch training for every optimizer.</summary>
    public static IReadOnlyList<TransferRun> Run(TransferSettings s, string dataDirectory, string weights, Action<string> log,
        IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(log);
        var target = FashionMnist.Load(true, dataDirectory).SelectClasses(TargetClasses).TakePerClass(s.LabelsPerClass, (ulong)s.Seed + 2);
        var test = FashionMnist.Load(false, dataDirectory).SelectClasses(TargetClasses).TakePerClass(s.TestPerClass, (ulong)s.Seed + 3);
        log($"target task: classes 5–9, {target.Count} labelled images ({s.LabelsPerClass} per class), {test.Count} test images, {s.Epochs} epochs");
        var runs = new List<TransferRun>();
        foreach (var name in s.Optimizers)
        {
            foreach (var pretrained in new[] { true, false })
            {
                var model = SmallCnn.Create(TargetClasses.Length, new Rng((ulong)s.Seed + 10));
                string? note = null;
                if (pretrained)
                {
                    var report = Trainer.LoadWeights(model, weights, strict: false);
                    note = $"loaded {report.LoadedKeys.Count} tensors; new head ({string.Join(", ", report.MismatchedKeys.Select(k => k.Key))})";
                    if (s.Freeze is { } pattern)
                    {
                        FineTuning.Freeze(model, pattern);
                        note += $"; frozen: {pattern}";
                    }
                }

                var optimizer = CreateOptimizer(name, model, s.LearningRate);
                var dir = Path.Combine(s.OutputDirectory, "runs", $"{name}-{(pretrained ? "finetuned" : "scratch")}");
                var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = s.Epochs, CheckpointDirectory = dir, Resume = s.Resume });
                var result = trainer.Fit(new DataLoader(target, 25, shuffle: true, seed: (ulong)s.Seed + 4), test, progress);
                if (result.DivergenceMessage is { } m)
                {
                    note = m;
                }

                var steps = (long)result.History.Count * ((target.Count + 24) / 25);
                runs.Add(new TransferRun(name, pretrained, steps, result.History.Count > 0 ? result.History[^1] : new EpochMetrics(0, double.NaN, double.NaN, null, null, 0, 0),
                    result.History, note));
                log(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-13} {(pretrained ? "fine-tuned" : "scratch   ")}: test accuracy {runs[^1].Final.ValidationAccuracy:P1}, loss {runs[^1].Final.ValidationLoss:F4}"));
            }
        }

        return runs;
    }

    /// <summary>
    /// Creates an optimizer: <c>sgd-momentum</c> (SGD, momentum 0.9, lr 0.01), <c>adam</c> (lr 1e-3),
    /// <c>adamw</c> (lr 1e-3, weight decay 0.01, none on biases and normalization weights), or any name of the
    /// <see cref="OptimizerRegistry"/> with its defaults; <paramref name="learningRate"/> replaces the default.
    /// </summary>
    public static Optimizer CreateOptimizer(string name, Module model, double? learningRate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        switch (name.ToLowerInvariant())
        {
            case "sgd-momentum":
                return new Sgd(model.Parameters(), new SgdOptions { LearningRate = learningRate ?? 0.01, Momentum = 0.9 });
            case "adam":
                return new Adam(model.Parameters(), new AdamOptions { LearningRate = learningRate ?? 1e-3 });
            case "adamw":
                var options = new AdamWOptions { LearningRate = learningRate ?? 1e-3, WeightDecay = 0.01 };
                return new AdamW(FineTuning.Groups(model, n => FineTuning.IsNoDecay(model, n) ? options with { WeightDecay = 0 } : options));
            default:
                var hp = new Dictionary<string, double>(StringComparer.Ordinal);
                if (learningRate is { } lr)
                {
                    hp["lr"] = lr;
                }

                try
                {
                    return OptimizerRegistry.Create(name, model.Parameters(), hp);
                }
                catch (ArgumentException e)
                {
                    throw new CliException($"--optimizer {name}: {e.Message} (built in here: sgd-momentum, adam, adamw; registry: {string.Join(", ", OptimizerRegistry.Names)})");
                }
        }
    }
}
