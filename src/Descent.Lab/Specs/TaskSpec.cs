namespace Descent.Lab.Specs;

/// <summary>
/// The task of an experiment (<c>$.task</c>): which problem every configuration is trained on.
/// </summary>
/// <param name="Kind">One of <see cref="TaskKinds.All"/>.</param>
/// <param name="Hidden">Hidden layer widths of an MLP task (<c>digits-mlp</c> default [64]; the article's
/// <c>mlp-regression</c> is 2-16-1).</param>
/// <param name="BatchSize">Mini-batch size; null means the task's default (full batch for regression tasks,
/// 200 for <c>digits-mlp</c>).</param>
/// <param name="Start">Starting point (x, y) of a 2-D test function; null means the function's default.</param>
/// <param name="Noise">Standard deviation of seeded Gaussian noise added to each gradient component of a 2-D
/// test function (0 = exact gradients).</param>
/// <param name="L2">scikit-learn-style L2 penalty alpha: <c>alpha·W/n_samples</c> added to the weight
/// gradients only (not biases), and <c>alpha/(2n)·ΣW²</c> to the reported loss.</param>
/// <param name="Data">Directory holding <c>digits_train.csv</c> and <c>digits_test.csv</c> (label, then 64
/// pixels 0–16) to use instead of the built-in split; for <c>fashion-transfer</c> the Fashion-MNIST folder;
/// null for the built-in data.</param>
/// <param name="Samples">Number of generated samples of a regression task (default 256).</param>
public sealed record TaskSpec(
    string Kind,
    IReadOnlyList<int> Hidden,
    int? BatchSize,
    IReadOnlyList<double>? Start,
    double Noise,
    double L2,
    string? Data,
    int Samples)
{
    /// <summary>The <c>fashion-transfer</c> fields (null for other kinds).</summary>
    public TransferTaskSpec? Transfer { get; init; }

    /// <summary><c>minilm-spam</c>: which parameters train — <c>head</c>, <c>top-k</c> or <c>full</c> (default full).</summary>
    public string Mode { get; init; } = "full";

    /// <summary><c>minilm-spam</c>: the head, <c>mlp</c> (256 GELU units) or <c>linear</c>; the parser defaults it as the CLI's
    /// <c>--head</c> does: <c>mlp</c> in head mode and with <see cref="Init"/> <c>probe</c>, else <c>linear</c>.</summary>
    public string Head { get; init; } = "linear";

    /// <summary><c>minilm-spam</c>: the pooled features, <c>layers</c> (mean and max pooling of the embedding output and every
    /// layer, standardized) or <c>sentence</c> (the sentence embedding); defaulted like <see cref="Head"/>: <c>layers</c> in head
    /// mode and with <c>probe</c>, else <c>sentence</c>.</summary>
    public string Features { get; init; } = "sentence";

    /// <summary><c>minilm-spam</c> top-k and full: how the head starts, <c>random</c> (default) or <c>probe</c> (LP-FT).</summary>
    public string Init { get; init; } = "random";

    /// <summary><c>minilm-spam</c>: encoder layers unfrozen in top-k mode (default 2).</summary>
    public int TopK { get; init; } = 2;

    /// <summary><c>minilm-spam</c>: tokens per email after truncation (default 128).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary><c>minilm-spam</c>: training emails used (a seeded random subset of the training split); null = all.</summary>
    public int? TrainLimit { get; init; }
}
