using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>Settings of the Fashion-MNIST transfer experiment (see <see cref="TransferExperiment"/>); the defaults
/// are the recipe chosen on the validation split (README, "Fine-tuning").</summary>
public sealed record TransferSettings
{
    /// <summary>Callbacks given to every training run (<see cref="Trainer.Callbacks"/>), e.g. a data-parallel one under
    /// <c>mpirun</c>; none by default.</summary>
    public IReadOnlyList<LearnerCallback> Callbacks { get; init; } = [];

    /// <summary>Default output folder.</summary>
    public const string DefaultOutputDirectory = "descent-out/transfer";

    /// <summary>Folder of the Fashion-MNIST files; null: the Debian package, else the shipped subset.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Output folder.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;

    /// <summary>Seed of pretraining and of the first repeat; repeat r uses <c>Seed + r</c>.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Repeats (seeds) of every fine-tuned and from-scratch run (≥ 1; default 5).</summary>
    public int Repeats
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Repeats), value, "Repeats must be ≥ 1");
    } = 5;

    /// <summary>Optimizers compared: sgd-momentum, adam, adamw (or any registry name).</summary>
    public IReadOnlyList<string> Optimizers { get; init; } = ["sgd-momentum", "adam", "adamw"];

    /// <summary>Learning rate replacing each optimizer's default, or null.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Learning rate of the pretrained body relative to the head's while fine-tuning (default 1: the
    /// validation split preferred it to the discriminative 0.1 and 0.3).</summary>
    public double BodyLearningRateFactor
    {
        get;
        init => field = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(BodyLearningRateFactor), value, "must be finite and > 0");
    } = 1.0;

    /// <summary>Width multiplier of the small CNN (<see cref="Descent.Experiments.Transfer.SmallCnn.Create"/>: 8w/16w channels,
    /// 32w hidden units; default 1), the same for pretraining, fine-tuning and scratch.</summary>
    public int Width
    {
        get;
        init => field = Descent.Experiments.Transfer.SmallCnn.ValidateWidth(value);
    } = Descent.Experiments.Transfer.SmallCnn.DefaultWidth;

    /// <summary>Pretraining epochs on classes 0–4 (default 5).</summary>
    public int PretrainEpochs { get; init; } = 5;

    /// <summary>Pretraining images per class (0–4); the default 6,000 takes all of them (10 % for validation).</summary>
    public int PretrainPerClass { get; init; } = 6000;

    /// <summary>Optimizer steps of every fine-tuned and from-scratch run (default 200), rounded up to whole
    /// epochs; ignored when <see cref="Epochs"/> is set.</summary>
    public int Steps
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Steps), value, "Steps must be ≥ 1");
    } = 200;

    /// <summary>Fine-tuning (and from-scratch) epochs on classes 5–9, or null to derive them from <see cref="Steps"/>.</summary>
    public int? Epochs { get; init; }

    /// <summary>Labelled training images per target class (default 50).</summary>
    public int LabelsPerClass { get; init; } = 50;

    /// <summary>Validation images per target class, from the training split (default 100).</summary>
    public int ValidationPerClass { get; init; } = 100;

    /// <summary>Test images per target class (default 1000: the whole test split of classes 5–9).</summary>
    public int TestPerClass { get; init; } = 1000;

    /// <summary>The layers copied from the pretrained network (default: the convolutional layers; the hidden Linear
    /// layer then starts as in the scratch network).</summary>
    public Descent.Experiments.Transfer.TransferredLayers Transfer { get; init; } = Descent.Experiments.Transfer.TransferredLayers.Convolutional;

    /// <summary>Parameters frozen during fine-tuning (name patterns), or null.</summary>
    public string? Freeze { get; init; }

    /// <summary>Pretrained weights to start from; null pretrains first (into the output folder).</summary>
    public string? Weights { get; init; }

    /// <summary>Resume interrupted runs from their last checkpoints.</summary>
    public bool Resume { get; init; }
}
