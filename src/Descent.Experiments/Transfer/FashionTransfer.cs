using Descent.Data;
using Descent.Training;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Experiments.Transfer;

/// <summary>
/// The Fashion-MNIST transfer task shared by <c>descent finetune</c> and the lab's <c>fashion-transfer</c> kind: a
/// <see cref="SmallCnn"/> pretrained on classes 0–4 (T-shirt, trouser, pullover, dress, coat) and fine-tuned on
/// classes 5–9 (sandal, shirt, sneaker, bag, ankle boot) with few labels, compared with the same network trained
/// from scratch for the same number of steps.
/// </summary>
/// <remarks>
/// <para>Recipe (chosen on the validation split, see the README): pretrain with Adam on all the source images;
/// copy only the convolutional layers (<see cref="TransferredLayers.Convolutional"/>) into the scratch network
/// and fine-tune every layer at the optimizer's learning rate. The head is always new: both tasks have five
/// classes, so a plain non-strict load would keep the source head, whose outputs mean the wrong classes. Inputs are the raw pixels in
/// [0, 1] for both tasks (the first BatchNorm normalizes), so source and target see the same statistics.</para>
/// <para>Randomness: the model of seed s is initialized from <c>Rng(s + 10)</c> (scratch and the fine-tuned network
/// before loading alike, so both start from the same hidden Linear layer), the new head from <c>Rng(s + 11)</c>, the labelled subset from <c>s + 2</c>, batches
/// from <c>s + 4</c>; the validation and test images are fixed across seeds.</para>
/// </remarks>
public static class FashionTransfer
{
    /// <summary>The seed of the fixed validation and test draws.</summary>
    public const ulong HoldOutSeed = 1234;

    /// <summary>Mini-batch size of the target task.</summary>
    public const int BatchSize = 25;

    /// <summary>Mini-batch size of pretraining.</summary>
    public const int PretrainBatchSize = 64;

    /// <summary>The source classes (0–4).</summary>
    public static IReadOnlyList<int> SourceClasses { get; } = [0, 1, 2, 3, 4];

    /// <summary>The target classes (5–9), relabelled 0–4.</summary>
    public static IReadOnlyList<int> TargetClasses { get; } = [5, 6, 7, 8, 9];

    /// <summary>The pretraining data: <paramref name="perClass"/> training images of each source class (all of
    /// them when larger than the class), 10 % of them held out for validation.</summary>
    public static (Dataset Fit, Dataset Validation) SourceData(string dataDirectory, int perClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClass);
        var train = FashionMnist.Load(true, dataDirectory).SelectClasses([.. SourceClasses]).TakePerClass(perClass, (ulong)seed);
        return train.Split(0.1, (ulong)seed + 1);
    }

    /// <summary>The target data: <paramref name="validationPerClass"/> images per class of the training split
    /// (a fixed draw) for validation, <paramref name="labelsPerClass"/> of the remaining ones (drawn with
    /// <paramref name="seed"/>) as labelled training images, and <paramref name="testPerClass"/> test images per
    /// class (a fixed draw; all of them when larger than the class).</summary>
    public static TransferData TargetData(string dataDirectory, int labelsPerClass, int validationPerClass, int testPerClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        return TargetData(FashionMnist.Load(true, dataDirectory), FashionMnist.Load(false, dataDirectory), labelsPerClass, validationPerClass, testPerClass, seed);
    }

    /// <summary>As <see cref="TargetData(string, int, int, int, int)"/>, from the loaded training and test
    /// splits (all ten classes) of Fashion-MNIST.</summary>
    public static TransferData TargetData(Dataset trainSplit, Dataset testSplit, int labelsPerClass, int validationPerClass, int testPerClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(trainSplit);
        ArgumentNullException.ThrowIfNull(testSplit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labelsPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(validationPerClass);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testPerClass);
        var pool = trainSplit.SelectClasses([.. TargetClasses]);
        var order = Enumerable.Range(0, pool.Count).ToArray();
        new Rng(HoldOutSeed).Shuffle(order.AsSpan());
        var taken = new int[pool.NumClasses];
        var isValidation = new bool[pool.Count];
        foreach (var i in order)
        {
            if (taken[pool.Labels[i]] < validationPerClass)
            {
                taken[pool.Labels[i]]++;
                isValidation[i] = true;
            }
        }

        var validation = pool.Subset(Enumerable.Range(0, pool.Count).Where(i => isValidation[i]).ToArray());
        var rest = pool.Subset(Enumerable.Range(0, pool.Count).Where(i => !isValidation[i]).ToArray());
        var labelled = rest.TakePerClass(labelsPerClass, (ulong)seed + 2);
        var test = testSplit.SelectClasses([.. TargetClasses]).TakePerClass(testPerClass, HoldOutSeed);
        return new TransferData(labelled, validation, test);
    }

    /// <summary>The network trained from scratch for seed <paramref name="seed"/>, of width
    /// <paramref name="width"/> (see <see cref="SmallCnn.Create"/>).</summary>
    public static Sequential CreateScratch(int seed, int width = SmallCnn.DefaultWidth) =>
        SmallCnn.Create(TargetClasses.Count, new Rng((ulong)seed + 10), width: width);

    /// <summary>The network to fine-tune for seed <paramref name="seed"/>: the network trained from scratch
    /// (<see cref="CreateScratch"/>) with the <paramref name="layers"/> loaded from <paramref name="weights"/> (a
    /// trainer checkpoint or a state_dict of a <see cref="SmallCnn"/>) and a new, freshly initialized head. By
    /// default only the convolutional layers are copied, so the hidden Linear layer starts exactly as in the scratch
    /// network. Returns the model and what was loaded. Throws <see cref="InvalidDataException"/> when a copied
    /// tensor's shape differs (weights of another <paramref name="width"/>).</summary>
    public static (Sequential Model, LoadStateDictResult Load) CreateFineTuned(string weights, int seed, int width = SmallCnn.DefaultWidth,
        TransferredLayers layers = TransferredLayers.Convolutional)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var patterns = (layers switch
        {
            TransferredLayers.Convolutional => SmallCnn.Convolutional,
            TransferredLayers.Body => SmallCnn.Body,
            _ => throw new ArgumentOutOfRangeException(nameof(layers), layers, "unknown TransferredLayers value"),
        }).Split(',');
        var model = CreateScratch(seed, width);
        var state = Trainer.ReadWeights(weights).Where(t => patterns.Any(p => FineTuning.Matches(t.Key, p)))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var load = model.LoadStateDict(state, strict: false);
        if (load.MismatchedKeys.Count > 0)
        {
            throw new InvalidDataException($"{weights}: not a small CNN of width {width} (size mismatch: {string.Join("; ", load.MismatchedKeys)})");
        }

        FineTuning.ReplaceHead(model, TargetClasses.Count, new Rng((ulong)seed + 11));
        return (model, load);
    }

    /// <summary>Epochs of <paramref name="count"/> samples in batches of <paramref name="batchSize"/> that make
    /// (at least) <paramref name="steps"/> optimizer steps.</summary>
    public static int EpochsFor(int steps, int count, int batchSize = BatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var perEpoch = (int)(((long)count + batchSize - 1) / batchSize);
        return (int)(((long)steps + perEpoch - 1) / perEpoch);
    }

    /// <summary>Pretrains a <see cref="SmallCnn"/> on the source classes with Adam at
    /// <paramref name="learningRate"/>; checkpoints go to <paramref name="checkpointDirectory"/> (its
    /// <c>best.safetensors</c> are the weights to fine-tune); <paramref name="width"/> as in
    /// <see cref="SmallCnn.Create"/>; <paramref name="callbacks"/> as <see cref="Trainer.Callbacks"/>.</summary>
    public static TrainingResult Pretrain(Dataset fit, Dataset validation, int seed, int epochs, double learningRate, string? checkpointDirectory,
        bool resume = false, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, int width = SmallCnn.DefaultWidth,
        IReadOnlyList<LearnerCallback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var model = SmallCnn.Create(SourceClasses.Count, new Rng((ulong)seed), width: width);
        var optimizer = new Adam(model.Parameters(), new AdamOptions { LearningRate = learningRate });
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, CheckpointDirectory = checkpointDirectory, Resume = resume })
        {
            Callbacks = callbacks ?? [],
        };
        return trainer.Fit(new DataLoader(fit, PretrainBatchSize, shuffle: true, seed: (ulong)seed), validation, progress, cancellationToken);
    }
}
