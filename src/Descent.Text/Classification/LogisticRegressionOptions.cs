using Descent.Optimizers;

namespace Descent.Text.Classification;

/// <summary>Options of <see cref="LogisticRegression"/> training; each property validates itself.</summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>An optimizer registry name (<c>adam</c>, <c>adamw</c>, <c>sgd</c>, …) or <c>sgd-momentum</c> (SGD with
    /// momentum 0.9). Default <c>adam</c>.</summary>
    public string Optimizer
    {
        get;
        init => field = value is not null && (value == "sgd-momentum" || OptimizerRegistry.Contains(value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Optimizer), value,
                $"Optimizer must be sgd-momentum or a registry name ({string.Join(", ", OptimizerRegistry.Names)})");
    } = "adam";

    /// <summary>Learning rate (finite, &gt; 0); default 0.01.</summary>
    public double LearningRate
    {
        get;
        init => field = double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "LearningRate must be finite and > 0");
    } = 0.01;

    /// <summary>L2 penalty on the weights (not the bias), passed as the optimizer's <c>weight_decay</c> (for Adam/SGD
    /// the coupled L2 term λ·w added to the gradient, for AdamW the decoupled decay); finite, ≥ 0; default 1e-4.</summary>
    public double WeightDecay
    {
        get;
        init => field = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "WeightDecay must be finite and ≥ 0");
    } = 1e-4;

    /// <summary>Passes over the training data (≥ 1); default 10.</summary>
    public int Epochs
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Epochs must be ≥ 1");
    } = 10;

    /// <summary>Mini-batch size (≥ 1); default 32. The last batch of an epoch may be smaller.</summary>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be ≥ 1");
    } = 32;

    /// <summary>Shuffle the training examples each epoch (default true); false keeps their order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling (the weights start at zero).</summary>
    public ulong Seed { get; init; }
}
