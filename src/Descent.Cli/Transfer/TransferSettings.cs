namespace Descent.Cli.Transfer;

/// <summary>Settings of the Fashion-MNIST transfer experiment (see <see cref="TransferExperiment"/>).</summary>
public sealed record TransferSettings
{
    /// <summary>Default output folder.</summary>
    public const string DefaultOutputDirectory = "descent-out/transfer";

    /// <summary>Folder of the Fashion-MNIST files; null: the Debian package, else the shipped subset.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Output folder.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;

    /// <summary>Seed of every random source.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Optimizers compared: sgd-momentum, adam, adamw (or any registry name).</summary>
    public IReadOnlyList<string> Optimizers { get; init; } = ["sgd-momentum", "adam", "adamw"];

    /// <summary>Learning rate replacing each optimizer's default, or null.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Pretraining epochs on classes 0–4.</summary>
    public int PretrainEpochs { get; init; } = 2;

    /// <summary>Pretraining images per class (0–4).</summary>
    public int PretrainPerClass { get; init; } = 1000;

    /// <summary>Fine-tuning (and from-scratch) epochs on classes 5–9.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Labelled training images per target class.</summary>
    public int LabelsPerClass { get; init; } = 50;

    /// <summary>Test images per target class used for evaluation.</summary>
    public int TestPerClass { get; init; } = 100;

    /// <summary>Parameters frozen during fine-tuning (name patterns), or null.</summary>
    public string? Freeze { get; init; }

    /// <summary>Pretrained weights to start from; null pretrains first (into the output folder).</summary>
    public string? Weights { get; init; }

    /// <summary>Resume interrupted runs from their last checkpoints.</summary>
    public bool Resume { get; init; }
}
