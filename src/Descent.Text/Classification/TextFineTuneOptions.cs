using Descent.Nn.Lora;

namespace Descent.Text.Classification;

/// <summary>
/// Hyperparameters of <see cref="TextClassifierFineTuner"/>. Presets (used when <see cref="LearningRate"/> or
/// <see cref="HeadLearningRate"/> is null):
/// <list type="table">
/// <item><term>AdamW</term><description>encoder lr 2e-5, weight decay 0.01 (none on biases and LayerNorm weights).</description></item>
/// <item><term>Adam</term><description>encoder lr 2e-5, no weight decay.</description></item>
/// <item><term>SGD</term><description>momentum 0.9, encoder lr 2e-3, no weight decay.</description></item>
/// </list>
/// <see cref="FineTuneMode.Lora"/> trains the adapters at 5e-4 (Adam, AdamW; the LoRA paper's rate for RoBERTa-base) or 5e-2
/// (SGD), and a random head at head mode's linear-head rate.
/// The freshly initialized head gets 10× the encoder learning rate in <see cref="FineTuneMode.TopK"/> and
/// <see cref="FineTuneMode.Full"/>; in <see cref="FineTuneMode.Head"/> a linear head gets 1e-3 (Adam, AdamW) or 5e-2 (SGD)
/// and an <see cref="ClassifierHead.Mlp"/> head 3e-4 or 3e-3 (chosen on a validation split carved from the training split);
/// a head that starts from a probe (<see cref="HeadInit.Probe"/>, LP-FT) gets the encoder's learning rate — in
/// <see cref="FineTuneMode.Lora"/> full fine-tuning's encoder rate (2e-5; SGD 2e-3), not the adapters' 5e-4: on the validation
/// split (500 e-mails, seed 42) the probed head at 5e-4 lost 0.52 points in the LoRA epoch, at 2e-5 it gained 0.31.
/// Every group follows the same schedule: linear warmup from 0 over <see cref="WarmupFraction"/> of all steps, then
/// linear decay to 0 at the last step (Hugging Face's <c>get_linear_schedule_with_warmup</c>).
/// </summary>
public sealed record TextFineTuneOptions
{
    /// <summary>Which parameters train.</summary>
    public FineTuneMode Mode { get; init; } = FineTuneMode.Full;

    /// <summary>Encoder layers unfrozen in <see cref="FineTuneMode.TopK"/> (1 … number of layers; checked by the tuner).</summary>
    public int TopK { get => field; init => field = Positive(value, nameof(TopK)); } = 2;

    /// <summary>The LoRA adapters of <see cref="FineTuneMode.Lora"/>: by default r 8, α 16 on <c>query</c>, <c>key</c>,
    /// <c>value</c> and <c>dense</c> (every linear layer of the encoder). The head always trains (PEFT's <c>modules_to_save</c>).</summary>
    public LoraOptions Lora { get => field; init => field = value ?? throw new ArgumentNullException(nameof(Lora)); } = DefaultLora;

    /// <summary>LoRA+: the B matrices learn this many times faster than the A matrices (the paper's default is 16); null = plain LoRA.</summary>
    public double? LoraPlusRatio { get => field; init => field = PositiveOrNull(value, nameof(LoraPlusRatio)); }

    /// <summary>The default <see cref="Lora"/>.</summary>
    public static LoraOptions DefaultLora { get; } = new() { Rank = 8, Alpha = 16, TargetModules = ["query", "key", "value", "dense"] };

    /// <summary>The optimizer preset.</summary>
    public FineTuneOptimizer Optimizer { get; init; } = FineTuneOptimizer.AdamW;

    /// <summary>Encoder learning rate; null = the preset's.</summary>
    public double? LearningRate { get => field; init => field = PositiveOrNull(value, nameof(LearningRate)); }

    /// <summary>Head learning rate; null = the preset's.</summary>
    public double? HeadLearningRate { get => field; init => field = PositiveOrNull(value, nameof(HeadLearningRate)); }

    /// <summary>
    /// Clips the global L2 norm of the trained parameters' gradients to this value before every update
    /// (head mode or fine-tuning) (as <c>torch.nn.utils.clip_grad_norm_</c>; <see cref="Nn.GradientClipping.ClipGradNorm"/>); null (default) = no
    /// clipping. Not applied to the probe stage of <see cref="HeadInit.Probe"/>, which trains exactly as head mode.
    /// </summary>
    public double? MaxGradNorm { get => field; init => field = PositiveOrNull(value, nameof(MaxGradNorm)); }

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

    /// <summary>
    /// Dropout on the pooled features before the head (as in BERT fine-tuning) and, for an MLP head, on its hidden layer,
    /// in [0, 1); null = 0.1 for a linear head, 0.3 for an MLP head.
    /// </summary>
    public double? HeadDropout
    {
        get => field;
        init => field = value is null or (>= 0 and < 1) ? value : throw new ArgumentOutOfRangeException(nameof(HeadDropout), value, "must be in [0, 1)");
    }

    /// <summary>
    /// The features the head trains on (default: the sentence embedding). Head mode pools them once from the frozen encoder;
    /// top-k and full train through them (<see cref="LayerPooledClassifier"/>; the sentence embedding with a linear head is
    /// <see cref="Transformers.BertClassifier"/>), standardized if asked with the pretrained encoder's training statistics.
    /// </summary>
    public HeadFeatures Features { get => field; init => field = value ?? throw new ArgumentNullException(nameof(Features)); } = HeadFeatures.SentenceEmbedding;

    /// <summary>The head: linear (default) or an MLP.</summary>
    public ClassifierHead Head
    {
        get => field;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Head), value, "must be Linear or Mlp");
    }

    /// <summary>
    /// How the head starts in top-k and full mode: random, or <see cref="HeadInit.Probe"/> (LP-FT: trained first on the frozen
    /// features as head mode would, with <see cref="ProbeOptions"/>(); then the head's learning rate is the encoder's).
    /// </summary>
    public HeadInit HeadInit
    {
        get => field;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(HeadInit), value, "must be Random or Probe");
    }

    /// <summary>
    /// Whether the encoder's own dropout (BERT's hidden and attention dropout) is on while it trains; null = on for the sentence
    /// embedding with a linear head (BERT's usual fine-tuning), off for other features: their standardization divides by
    /// the features' spread over texts, tiny for some (e.g. the embedding output's max over tokens), so dropout noise would
    /// swamp them and move a probe's head far from its solution (the head's own dropout still regularizes).
    /// </summary>
    public bool? EncoderDropout { get; init; }

    /// <summary>The encoder dropout in effect (see <see cref="EncoderDropout"/>).</summary>
    public bool EffectiveEncoderDropout => EncoderDropout ?? IsPlainHead;

    /// <summary>Epochs of the <see cref="HeadInit.Probe"/> stage (head mode's default).</summary>
    public int ProbeEpochs { get => field; init => field = Positive(value, nameof(ProbeEpochs)); } = 50;

    /// <summary>Batch size of the <see cref="HeadInit.Probe"/> stage (head mode's default).</summary>
    public int ProbeBatchSize { get => field; init => field = Positive(value, nameof(ProbeBatchSize)); } = 32;

    /// <summary>The options of the <see cref="HeadInit.Probe"/> stage: head mode with this head, features, optimizer preset and seed,
    /// <see cref="ProbeEpochs"/> and <see cref="ProbeBatchSize"/>, the head-mode learning rate preset.</summary>
    public TextFineTuneOptions ProbeOptions() => this with
    {
        Mode = FineTuneMode.Head,
        HeadInit = HeadInit.Random,
        Epochs = ProbeEpochs,
        BatchSize = ProbeBatchSize,
        LearningRate = null,
        HeadLearningRate = null,
        MaxGradNorm = null,
    };

    /// <summary>Width of the MLP head's hidden layer.</summary>
    public int HeadHiddenSize { get => field; init => field = Positive(value, nameof(HeadHiddenSize)); } = 256;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get => field; init => field = Positive(value, nameof(Epochs)); } = 1;

    /// <summary>Emails per training step.</summary>
    public int BatchSize { get => field; init => field = Positive(value, nameof(BatchSize)); } = 16;

    /// <summary>Length bucketing of the training batches: each epoch's shuffled order is sorted by length within windows of
    /// this many batches and the window's batches shuffled again (<see cref="TokenizedTexts.GroupByLength"/>), so batches
    /// pad to similar lengths; 1 turns it off (a plain shuffle, the default). 50 is Hugging Face's <c>group_by_length</c>
    /// window. Off by default: on SpamAssassin (<c>descent finetune --model minilm --limit 1000</c>, seed 0, one epoch) a window of
    /// 50 gave 87.59 % test accuracy against 95.12 % with the plain shuffle, because length-sorted batches are far less mixed
    /// in spam/ham (e-mail length correlates with the class), and it was not faster there (120 real tokens per e-mail).</summary>
    public int LengthWindow { get => field; init => field = Positive(value, nameof(LengthWindow)); } = 1;

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
    public double EffectiveLearningRate => LearningRate ?? (Mode, Optimizer) switch
    {
        (FineTuneMode.Lora, FineTuneOptimizer.Sgd) => 5e-2,
        (FineTuneMode.Lora, _) => 5e-4,
        _ => EncoderPreset(Optimizer),
    };

    /// <summary>The encoder learning rate preset of head, top-k and full fine-tuning: 2e-5, SGD 2e-3.</summary>
    private static double EncoderPreset(FineTuneOptimizer optimizer) => optimizer == FineTuneOptimizer.Sgd ? 2e-3 : 2e-5;

    /// <summary>The head learning rate in effect.</summary>
    public double EffectiveHeadLearningRate => HeadLearningRate ?? (Mode, Head, Optimizer) switch
    {
        (FineTuneMode.Head, ClassifierHead.Mlp, FineTuneOptimizer.Sgd) => 3e-3,
        (FineTuneMode.Head, ClassifierHead.Mlp, _) => 3e-4,
        (FineTuneMode.Head, _, FineTuneOptimizer.Sgd) => 5e-2,
        (FineTuneMode.Head, _, _) => 1e-3,
        (FineTuneMode.Lora, _, _) when HeadInit == HeadInit.Probe => EncoderPreset(Optimizer),
        _ when HeadInit == HeadInit.Probe => EffectiveLearningRate,
        (FineTuneMode.Lora, _, FineTuneOptimizer.Sgd) => 5e-2,
        (FineTuneMode.Lora, _, _) => 1e-3,
        _ => 10 * EffectiveLearningRate,
    };

    /// <summary>The head dropout in effect.</summary>
    public double EffectiveHeadDropout => HeadDropout ?? (Head == ClassifierHead.Mlp ? 0.3 : 0.1);

    /// <summary>
    /// A short label such as <c>adamw/full</c>, <c>sgd/top-2</c> or <c>adamw/head</c>; a head-only run with other features or
    /// head than the sentence embedding and a linear head adds them: <c>adamw/head[mlp-256 all:mean+max:std]</c>; so does any
    /// other mode, with <c>probe</c> for LP-FT: <c>adamw/full[mlp-256 all:mean+max:std probe]</c>.
    /// </summary>
    public string Label => $"{OptimizerName(Optimizer)}/{ModeName(Mode, TopK, Lora.Rank)}{(IsPlainHead && HeadInit == HeadInit.Random ? string.Empty : $"[{HeadLabel}{(HeadInit == HeadInit.Probe ? " probe" : string.Empty)}]")}";

    /// <summary>The head and its features, e.g. <c>linear last:mean</c> or <c>mlp-256 all:mean+max:std</c>.</summary>
    public string HeadLabel => $"{(Head == ClassifierHead.Mlp ? $"mlp-{HeadHiddenSize}" : "linear")} {Features.Label}";

    /// <summary>Whether the head is BERT's usual one: a linear layer on the sentence embedding.</summary>
    public bool IsPlainHead => Head == ClassifierHead.Linear && Features == HeadFeatures.SentenceEmbedding;

    /// <summary>
    /// Whether a run reads the pretrained encoder's pooled features (<see cref="PooledEmbeddings"/>, the fine-tuner's
    /// <c>cache</c>): head mode, LP-FT's probe stage, or standardized features, whose statistics are fitted on them. One cache
    /// of the same texts and encoder serves every such run.
    /// </summary>
    public bool UsesPooledCache => Mode == FineTuneMode.Head || HeadInit == HeadInit.Probe || (!IsPlainHead && Features.Standardize);

    /// <summary>Checks the rules across fields: <see cref="HeadInit.Probe"/> needs top-k or full mode.</summary>
    /// <exception cref="ArgumentException">A rule is broken (the message says which).</exception>
    public void Validate()
    {
        if (Mode == FineTuneMode.Head && HeadInit == HeadInit.Probe)
        {
            throw new ArgumentException("head mode trains only the head; a probe-initialized head (LP-FT) needs top-k or full mode");
        }
    }

    /// <summary>The CLI spelling of an optimizer preset.</summary>
    public static string OptimizerName(FineTuneOptimizer optimizer) => optimizer switch
    {
        FineTuneOptimizer.AdamW => "adamw",
        FineTuneOptimizer.Adam => "adam",
        _ => "sgd",
    };

    /// <summary>The CLI spelling of a mode (<c>head</c>, <c>top-2</c>, <c>full</c>, <c>lora-r8</c>).</summary>
    public static string ModeName(FineTuneMode mode, int topK, int loraRank = 8) => mode switch
    {
        FineTuneMode.Head => "head",
        FineTuneMode.TopK => $"top-{topK}",
        FineTuneMode.Lora => $"lora-r{loraRank}",
        _ => "full",
    };

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must be positive");

    private static double? PositiveOrNull(double? value, string name) =>
        value is null || (value > 0 && double.IsFinite(value.Value)) ? value : throw new ArgumentOutOfRangeException(name, value, "must be finite and positive");
}
