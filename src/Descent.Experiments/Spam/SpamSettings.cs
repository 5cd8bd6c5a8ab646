namespace Descent.Experiments.Spam;

/// <summary>Settings of the spam experiments (<c>descent finetune --task spam</c>): the bag-of-words baseline
/// (<see cref="BowExperiment"/>) and the MiniLM runs (<see cref="MiniLmSpamSettings.From"/>).</summary>
public sealed record SpamSettings
{
    /// <summary>Default output folder.</summary>
    public const string DefaultOutputDirectory = "descent-out/spam";

    /// <summary>The held-out fraction of the fixed split (stratified, <see cref="Descent.Text.Data.SpamAssassinCorpus.Split"/>).</summary>
    public const double TestFraction = 0.2;

    /// <summary>The seed of the fixed split; every model is measured on the same split, whatever <see cref="Seed"/> is.</summary>
    public const int SplitSeed = 0;

    /// <summary>The seed of the validation split carved from the training split when <see cref="Validation"/> is set.</summary>
    public const int ValidationSeed = 1;

    /// <summary>The model: <c>bow</c> (bag-of-words logistic regression) or <c>minilm</c> (fine-tuned all-MiniLM-L6-v2).</summary>
    public string Model { get; init; } = "minilm";

    /// <summary>The corpus (package folder, data folder, .tgz or .jsonl[.gz]); null: <see cref="Descent.Text.Data.SpamAssassinCorpus.DefaultPath"/>,
    /// else the shipped subset.</summary>
    public string? DataPath { get; init; }

    /// <summary>Output folder (results.json).</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;

    /// <summary>Optimizers to compare (registry names or sgd-momentum); null: the model's default.</summary>
    public IReadOnlyList<string>? Optimizers { get; init; }

    /// <summary>Learning rate replacing each optimizer's default for the model, or null.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Epochs; null: the model's default.</summary>
    public int? Epochs { get; init; }

    /// <summary>Seed of the training randomness (shuffling, initialisation, dropout); the split uses <see cref="SplitSeed"/>.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Maximum sequence length in BERT tokens (MiniLM input; the bag-of-words baseline is also measured on text
    /// cut to this many tokens).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>
    /// Train on 80 % of the training split and evaluate on the other 20 % (stratified, <see cref="ValidationSeed"/>) instead
    /// of the test split: for choosing settings without looking at the test split.
    /// </summary>
    public bool Validation { get; init; }
}
