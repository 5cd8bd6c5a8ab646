namespace Descent.Text.Classification;

/// <summary>
/// Hyperparameters of <see cref="TextClassifierFineTuner"/>. Presets (used when <see cref="LearningRate"/> or
/// <see cref="HeadLearningRate"/> is null):
/// <list type="table">
/// <item><term>AdamW</term><description>encoder lr 2e-5, weight decay 0.01 (none on biases and LayerNorm weights).</description></item>
/// <item><term>Adam</term><description>encoder lr 2e-5, no weight decay.</description></item>
/// <item><term>SGD</term><description>momentum 0.9, encoder lr 2e-3, no weight decay.</description></item>
/// </list>
/// The freshly initialized head gets 10× the encoder learning rate in <see cref="FineTuneMode.TopK"/> and
/// <see cref="FineTuneMode.Full"/>, and 1e-3 (Adam, AdamW) or 5e-2 (SGD) in <see cref="FineTuneMode.Head"/>.
/// Every group follows the same schedule: linear warmup from 0 over <see cref="WarmupFraction"/> of all steps, then
/// linear decay to 0 at the last step (Hugging Face's <c>get_linear_schedule_with_warmup</c>).
/// </summary>
public sealed record TextFineTuneOptions
{
    /// <summary>Which parameters train.</summary>
    public FineTuneMode Mode { get; init; } = FineTuneMode.Full;

    /// <summary>Encoder layers unfrozen in <see cref="FineTuneMode.TopK"/> (1 … number of layers; checked by the tuner).</summary>
    public int TopK { get => field; init => field = Positive(value, nameof(TopK)); } = 2;

    /// <summary>The optimizer preset.</summary>
    public FineTuneOptimizer Optimizer { get; init; } = FineTuneOptimizer.AdamW;

    /// <summary>Encoder learning rate; null = the preset's.</summary>
    public double? LearningRate { get => field; init => field = PositiveOrNull(value, nameof(LearningRate)); }

    /// <summary>Head learning rate; null = the preset's.</summary>
    public double? HeadLearningRate { get => field; init => field = PositiveOrNull(value, nameof(HeadLearningRate)); }

    /// <summary>Weight decay of the AdamW preset (decoupled; not applied to biases and LayerNorm weights).</summary>
    public double WeightDecay
    {
        get => field;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "must be finite and >= 0");
    } = 0.01;

    /// <summary>Fraction of all steps spent in linear warmup, in [0, 1).</summary>
    public double WarmupFraction
    {
        get => field;
        init => field = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(WarmupFraction), value, "must be in [0, 1)");
    } = 0.1;

    /// <summary>Dropout on the pooled embedding before the head (as in BERT fine-tuning), in [0, 1).</summary>
    public double HeadDropout
    {
        get => field;
        init => field = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(HeadDropout), value, "must be in [0, 1)");
    } = 0.1;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get => field; init => field = Positive(value, nameof(Epochs)); } = 1;

    /// <summary>Emails per training step.</summary>
    public int BatchSize { get => field; init => field = Positive(value, nameof(BatchSize)); } = 16;

    /// <summary>Emails per evaluation (and embedding-cache) batch.</summary>
    public int EvalBatchSize { get => field; init => field = Positive(value, nameof(EvalBatchSize)); } = 32;

    /// <summary>Maximum tokens per text, [CLS] and [SEP] included (2 … 512).</summary>
    public int MaxLength
    {
        get => field;
        init => field = value is >= 2 and <= 512 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "must be in [2, 512]");
    } = 128;

    /// <summary>Seed of the head initialization, dropout and the per-epoch shuffles.</summary>
    public ulong Seed { get; init; }

    /// <summary>The encoder learning rate in effect.</summary>
    public double EffectiveLearningRate => LearningRate ?? Optimizer switch
    {
        FineTuneOptimizer.Sgd => 2e-3,
        _ => 2e-5,
    };

    /// <summary>The head learning rate in effect.</summary>
    public double EffectiveHeadLearningRate => HeadLearningRate ?? (Mode == FineTuneMode.Head
        ? (Optimizer == FineTuneOptimizer.Sgd ? 5e-2 : 1e-3)
        : 10 * EffectiveLearningRate);

    /// <summary>A short label such as <c>adamw/full</c> or <c>sgd/top-2</c>.</summary>
    public string Label => $"{OptimizerName(Optimizer)}/{ModeName(Mode, TopK)}";

    /// <summary>The CLI spelling of an optimizer preset.</summary>
    public static string OptimizerName(FineTuneOptimizer optimizer) => optimizer switch
    {
        FineTuneOptimizer.AdamW => "adamw",
        FineTuneOptimizer.Adam => "adam",
        _ => "sgd",
    };

    /// <summary>The CLI spelling of a mode (<c>head</c>, <c>top-2</c>, <c>full</c>).</summary>
    public static string ModeName(FineTuneMode mode, int topK) => mode switch
    {
        FineTuneMode.Head => "head",
        FineTuneMode.TopK => $"top-{topK}",
        _ => "full",
    };

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must be positive");

    private static double? PositiveOrNull(double? value, string name) =>
        value is null || (value > 0 && double.IsFinite(value.Value)) ? value : throw new ArgumentOutOfRangeException(name, value, "must be finite and positive");
}
