using System.Globalization;
using Descent.Data;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>
/// The transfer flagship: a <see cref="SmallCnn"/> pretrained on Fashion-MNIST classes 0–4, then fine-tuned on
/// classes 5–9 with few labels, compared with the same network trained from scratch for the same number of
/// steps, under each optimizer. Test accuracy is measured on held-out test images of classes 5–9.
/// </summary>
public static class TransferExperiment
{
    /// <summary>The command-line name of <paramref name="layers"/> (<c>--transfer</c>): <c>conv</c> or <c>body</c>.</summary>
    public static string TransferName(TransferredLayers layers) => layers switch
    {
        TransferredLayers.Convolutional => "conv",
        TransferredLayers.Body => "body",
        _ => throw new ArgumentOutOfRangeException(nameof(layers), layers, "unknown TransferredLayers value"),
    };

    /// <summary>Finds the data: <paramref name="directory"/>, else the Debian package, else the shipped subset.</summary>
    public static (string Directory, string Description) LocateData(string? directory)
    {
        if (directory is not null)
        {
            if (!FashionMnist.IsInstalled(directory))
            {
                throw new ExperimentException($"--data {directory}: the four Fashion-MNIST files ({FashionMnist.TrainImages}, …) are not there.");
            }

            return (directory, directory);
        }

        if (FashionMnist.IsInstalled())
        {
            return (FashionMnist.DefaultDirectory, $"{FashionMnist.DefaultDirectory} (Debian package)");
        }

        var subset = FashionMnist.FindSubset() ?? throw new ExperimentException(
            $"Fashion-MNIST is not installed. Install it with '{FashionMnist.InstallCommand}', or pass --data PATH; 'descent data' shows what is available.");
        return (subset, $"{subset} (shipped subset: 300 train / 100 test images per class)");
    }

    /// <summary>
    /// Checks, before any computation (pretraining included), what <see cref="Run"/> would otherwise find wrong only after
    /// it: the <c>--weights</c> file (a small CNN of <see cref="TransferSettings.Width"/>, every value finite), the
    /// <c>--freeze</c> patterns (each must match a parameter of the fine-tuned network) and every <c>--optimizer</c> name
    /// with the learning rate and body factor. Throws <see cref="ExperimentException"/> naming the option.
    /// </summary>
    public static void Validate(TransferSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var model = FashionTransfer.CreateScratch(s.Seed, s.Width);
        if (s.Weights is { } weights)
        {
            try
            {
                model = FashionTransfer.CreateFineTuned(weights, s.Seed, s.Width, s.Transfer).Model;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException
                                          or Checkpoints.CheckpointException or InvalidOperationException)
            {
                throw new ExperimentException($"--weights {weights}: {e.Message}", e);
            }
        }

        if (s.Freeze is { } pattern)
        {
            try
            {
                FineTuning.Freeze(model, pattern);
            }
            catch (ArgumentException e)
            {
                throw new ExperimentException($"--freeze {pattern}: {Printable.Describe(e)}", e);
            }
        }

        foreach (var name in s.Optimizers)
        {
            CreateOptimizer(name, model, s.LearningRate, s.BodyLearningRateFactor);
        }
    }

    /// <summary>Pretrains on classes 0–4; writes <c>pretrain/best.safetensors</c> and returns its path.</summary>
    public static string Pretrain(TransferSettings s, string dataDirectory, Action<string> log, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(log);
        var (fit, val) = FashionTransfer.SourceData(dataDirectory, s.PretrainPerClass, s.Seed);
        var dir = Path.Combine(s.OutputDirectory, "pretrain");
        log($"pretraining on classes 0–4: {fit.Count} images, {s.PretrainEpochs} epochs, Adam, width {s.Width}");
        var result = FashionTransfer.Pretrain(fit, val, s.Seed, s.PretrainEpochs, s.LearningRate ?? 1e-3, dir, s.Resume, progress, width: s.Width,
            callbacks: s.Callbacks);
        if (result.DivergenceMessage is { } m)
        {
            throw new ExperimentException(m);
        }

        var last = result.History[^1];
        log(string.Create(CultureInfo.InvariantCulture, $"pretrained: validation accuracy {last.ValidationAccuracy:P1} on classes 0–4 → {Trainer.BestPath(dir)}"));
        return Trainer.BestPath(dir);
    }

    /// <summary>Runs fine-tuning and from-scratch training for every optimizer and repeat (seed).</summary>
    /// <param name="s">The settings.</param>
    /// <param name="dataDirectory">The Fashion-MNIST folder.</param>
    /// <param name="weights">The pretrained weights.</param>
    /// <param name="log">Receives one line per finished run.</param>
    /// <param name="progressFor">Gives a progress reporter for a run named e.g. "adam fine-tuned s42", or null.</param>
    public static IReadOnlyList<TransferRun> Run(TransferSettings s, string dataDirectory, string weights, Action<string> log,
        Func<string, IProgress<TrainingProgress>?>? progressFor = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        Validate(s);
        var runs = new List<TransferRun>();
        var (trainSplit, testSplit) = (FashionMnist.Load(true, dataDirectory), FashionMnist.Load(false, dataDirectory));
        for (var r = 0; r < s.Repeats; r++)
        {
            var seed = s.Seed + r;
            var data = FashionTransfer.TargetData(trainSplit, testSplit, s.LabelsPerClass, s.ValidationPerClass, s.TestPerClass, seed);
            var epochs = s.Epochs ?? FashionTransfer.EpochsFor(s.Steps, data.Labelled.Count);
            log($"seed {seed}: classes 5–9, {data.Labelled.Count} labelled images ({s.LabelsPerClass} per class), {data.Validation.Count} validation, " +
                $"{data.Test.Count} test images, {epochs} epochs of batch {FashionTransfer.BatchSize}");
            foreach (var name in s.Optimizers)
            {
                foreach (var pretrained in new[] { true, false })
                {
                    var model = FashionTransfer.CreateScratch(seed, s.Width);
                    string? note = null;
                    if (pretrained)
                    {
                        (model, var report) = FashionTransfer.CreateFineTuned(weights, seed, s.Width, s.Transfer);
                        note = $"loaded {report.LoadedKeys.Count} tensors ({TransferExperiment.TransferName(s.Transfer)}); new head";
                        if (s.Freeze is { } pattern)
                        {
                            FineTuning.Freeze(model, pattern);
                            note += $"; frozen: {pattern}";
                        }
                    }

                    var optimizer = CreateOptimizer(name, model, s.LearningRate, pretrained ? s.BodyLearningRateFactor : 1.0);
                    var label = $"{name} {(pretrained ? "fine-tuned" : "scratch")} s{seed}";
                    var dir = Path.Combine(s.OutputDirectory, "runs", $"{name}-{(pretrained ? "finetuned" : "scratch")}-s{seed}");
                    var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, CheckpointDirectory = dir, Resume = s.Resume })
                    {
                        Callbacks = s.Callbacks,
                    };
                    var result = trainer.Fit(new DataLoader(data.Labelled, FashionTransfer.BatchSize, shuffle: true, seed: (ulong)seed + 4), data.Validation,
                        progressFor?.Invoke(label));
                    // A diverged run has no result: its weights are not evaluated (a NaN network "classifies" at chance level).
                    var diverged = result.DivergenceMessage is not null;
                    note = result.DivergenceMessage ?? note;
                    var (testLoss, testAccuracy) = diverged ? (double.NaN, double.NaN) : Trainer.Evaluate(model, data.Test);
                    var steps = (long)result.History.Count * ((data.Labelled.Count + FashionTransfer.BatchSize - 1) / FashionTransfer.BatchSize);
                    runs.Add(new TransferRun(name, pretrained, seed, steps,
                        result.History.Count > 0 ? result.History[^1] : new EpochMetrics(0, double.NaN, double.NaN, null, null, 0, 0),
                        result.History, testLoss, testAccuracy, note) { Diverged = diverged });
                    log(diverged
                        ? $"{label,-28}: diverged ({result.DivergenceMessage}); no result"
                        : string.Create(CultureInfo.InvariantCulture,
                            $"{label,-28}: validation accuracy {runs[^1].Final.ValidationAccuracy:P1}, test accuracy {testAccuracy:P1}, test loss {testLoss:F4}"));
                }
            }
        }

        return runs;
    }

    /// <summary>
    /// Creates an optimizer: <c>sgd-momentum</c> (SGD, momentum 0.9, lr 0.01), <c>adam</c> (lr 1e-3),
    /// <c>adamw</c> (lr 1e-3, weight decay 0.01, none on biases and normalization weights), or any name of the
    /// <see cref="OptimizerRegistry"/> with its defaults; <paramref name="learningRate"/> replaces the default.
    /// <paramref name="bodyFactor"/> scales the learning rate of everything but the head (<see cref="SmallCnn.Head"/>)
    /// through parameter groups (the built-in three only).
    /// </summary>
    public static Optimizer CreateOptimizer(string name, Module model, double? learningRate, double bodyFactor = 1.0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        double Rate(string parameter, double lr) => FineTuning.Matches(parameter, SmallCnn.Head) ? lr : lr * bodyFactor;
        switch (name.ToLowerInvariant())
        {
            case "sgd-momentum":
                var sgd = new SgdOptions { LearningRate = learningRate ?? 0.01, Momentum = 0.9 };
                return new Sgd(FineTuning.Groups(model, n => sgd with { LearningRate = Rate(n, sgd.LearningRate) }));
            case "adam":
                var adam = new AdamOptions { LearningRate = learningRate ?? 1e-3 };
                return new Adam(FineTuning.Groups(model, n => adam with { LearningRate = Rate(n, adam.LearningRate) }));
            case "adamw":
                var options = new AdamWOptions { LearningRate = learningRate ?? 1e-3, WeightDecay = 0.01 };
                return new AdamW(FineTuning.Groups(model, n => (FineTuning.IsNoDecay(model, n) ? options with { WeightDecay = 0 } : options) with
                {
                    LearningRate = Rate(n, options.LearningRate),
                }));
            default:
                if (bodyFactor != 1.0)
                {
                    throw new ExperimentException($"--optimizer {name}: a body learning-rate factor needs sgd-momentum, adam or adamw");
                }

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
                    throw new ExperimentException($"--optimizer {name}: {Printable.Describe(e)} (built in here: sgd-momentum, adam, adamw; registry: {string.Join(", ", OptimizerRegistry.Names)})");
                }
        }
    }
}
