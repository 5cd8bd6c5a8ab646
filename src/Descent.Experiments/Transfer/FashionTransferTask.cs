using System.Globalization;
using Descent.Data;
using Descent.Experiments.Transfer;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>
/// <c>fashion-transfer</c>: the fine-tuning flagship (<see cref="FashionTransfer"/>) as a lab task. Each run
/// fine-tunes the small CNN pretrained on Fashion-MNIST classes 0–4 (its convolutional layers copied, as in the
/// flagship: <see cref="TransferredLayers.Convolutional"/>) on classes 5–9 with
/// <c>labels_per_class</c> labelled images (or, with <c>"pretrained": false</c>, trains the same network from
/// scratch), with the configured optimizer over all parameters, mini-batches of 25 (<c>batch_size</c>).
/// </summary>
/// <remarks>
/// <para>Data: <c>data</c>, else Debian's <see cref="FashionMnist.DefaultDirectory"/>, else the subset shipped in
/// the repository (<see cref="FashionMnist.SubsetFolder"/>).</para>
/// <para>Pretrained weights: <c>weights</c>, else computed once per experiment (Adam, learning rate 1e-3,
/// seed <see cref="PretrainSeed"/>, <c>pretrain_per_class</c> images per class for <c>pretrain_epochs</c> epochs)
/// and cached in the output folder under <c>pretrain-N-E/</c> (<c>pretrain-N-E-wW/</c> for <c>width</c> W &gt; 1); a later or resumed experiment in the same folder
/// reuses them. Pretraining is deterministic, so the cache changes no result.</para>
/// <para>Metrics, as <c>digits-mlp</c>: per step <c>loss</c> (mini-batch loss before the update); per epoch
/// (0 = before training) <c>train_loss</c> (mean mini-batch loss of the epoch; at epoch 0 the loss on the
/// labelled set), <c>val_loss</c> and <c>val_accuracy</c> on <c>validation_per_class</c> held-out training
/// images per class (the same for every seed).</para>
/// </remarks>
public sealed class FashionTransferTask : LabTask
{
    /// <summary>The seed of the cached pretraining.</summary>
    public const int PretrainSeed = 0;

    private readonly Lazy<(Dataset Train, Dataset Test)> data;
    private readonly Lazy<string?> weights;

    /// <summary>Creates the task for <paramref name="task"/>; <paramref name="outputDirectory"/> (the experiment's
    /// folder) holds the cached pretraining, or a temporary folder when null.</summary>
    public FashionTransferTask(TaskSpec task, string? outputDirectory = null)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        Transfer = task.Settings as TransferTaskSpec ?? TransferTaskSpec.Default;
        DataDirectory = Locate(task.Data);
        data = new(() => (FashionMnist.Load(true, DataDirectory), FashionMnist.Load(false, DataDirectory)), LazyThreadSafetyMode.ExecutionAndPublication);
        var cache = Path.Combine(outputDirectory ?? Path.Combine(Path.GetTempPath(), "descent-fashion-transfer-" + Guid.NewGuid().ToString("N")),
            string.Create(CultureInfo.InvariantCulture, $"pretrain-{Transfer.PretrainPerClass}-{Transfer.PretrainEpochs}{(Transfer.Width == 1 ? "" : $"-w{Transfer.Width}")}"));
        weights = new(() => Transfer.Pretrained ? Transfer.Weights ?? Pretrain(cache) : null, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The task spec.</summary>
    public TaskSpec Task { get; }

    /// <summary>Its <c>fashion-transfer</c> fields.</summary>
    public TransferTaskSpec Transfer { get; }

    /// <summary>The Fashion-MNIST folder used.</summary>
    public string DataDirectory { get; }

    /// <summary>The pretrained weights (pretraining first when needed); null for from-scratch runs.</summary>
    public string? Weights => weights.Value;

    /// <summary>The data folder: <paramref name="directory"/>, else Debian's, else the shipped subset.</summary>
    public static string Locate(string? directory)
    {
        if (directory is not null)
        {
            return FashionMnist.IsInstalled(directory)
                ? directory
                : throw new FileNotFoundException($"fashion-transfer: $.task.data '{directory}' does not hold the four Fashion-MNIST files ({FashionMnist.TrainImages}, …)");
        }

        return FashionMnist.IsInstalled() ? FashionMnist.DefaultDirectory : FashionMnist.FindSubset()
            ?? throw new FileNotFoundException($"fashion-transfer: Fashion-MNIST is not installed ('{FashionMnist.InstallCommand}') and the repository's subset ({FashionMnist.SubsetFolder}) was not found; set $.task.data");
    }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (trainSplit, testSplit) = data.Value;
        var split = FashionTransfer.TargetData(trainSplit, testSplit, Transfer.LabelsPerClass, Transfer.ValidationPerClass, 1, context.Seed);
        var (train, validation) = (split.Labelled, split.Validation);
        var batch = Math.Min(Task.BatchSize ?? FashionTransfer.BatchSize, train.Count);
        var loader = new DataLoader(train, batch, shuffle: true, seed: (ulong)context.Seed + 4);
        var model = Weights is { } w ? FashionTransfer.CreateFineTuned(w, context.Seed, Transfer.Width).Model
            : FashionTransfer.CreateScratch(context.Seed, Transfer.Width);
        return ClassificationTraining.Run(context, model, loader, Trainer.Evaluate(model, train).Loss, () => Trainer.Evaluate(model, validation));
    }

    /// <summary>Pretrains now (or loads the cached pretraining) when the runs fine-tune and the spec gives no weights.</summary>
    public override void Prepare() => _ = Weights;

    private string Pretrain(string directory)
    {
        var (fit, validation) = FashionTransfer.SourceData(DataDirectory, Transfer.PretrainPerClass, PretrainSeed);
        var result = FashionTransfer.Pretrain(fit, validation, PretrainSeed, Transfer.PretrainEpochs, 1e-3, directory, resume: true, width: Transfer.Width);
        if (result.DivergenceMessage is { } m)
        {
            throw new InvalidOperationException($"fashion-transfer pretraining failed: {m}");
        }

        return result.BestCheckpoint ?? Trainer.BestPath(directory);
    }
}
