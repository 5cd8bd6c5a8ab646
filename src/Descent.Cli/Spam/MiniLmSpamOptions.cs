using System.CommandLine;
using Descent.Nn.Lora;
using Descent.Experiments.Spam;
using Descent.Text.Classification;

namespace Descent.Cli.Spam;

/// <summary>
/// The options <c>descent finetune --task spam --model minilm</c> adds to <c>descent finetune</c> (<c>--mode</c>,
/// <c>--top-k</c>, <c>--head</c>, <c>--features</c>, <c>--init</c>, <c>--max-grad-norm</c>, <c>--batch-size</c>, <c>--limit</c>, <c>--sweep</c>); the shared ones (<c>--data</c>, <c>--optimizer</c>,
/// <c>--lr</c>, <c>--epochs</c>, <c>--seed</c>, <c>--out</c>, <c>--max-length</c>) come through <see cref="SpamSettings"/>.
/// </summary>
public sealed class MiniLmSpamOptions
{
    /// <summary><c>--mode</c>.</summary>
    public Option<string> Mode { get; } = new("--mode")
    {
        Description = "MiniLM: which parameters train: head (encoder frozen, embeddings cached once), top-k (top K layers + head), full, "
            + "lora (LoRA adapters on the encoder's linear layers + head; see --lora-*).",
        DefaultValueFactory = _ => "full",
        HelpName = "head|top-k|full|lora",
    };

    /// <summary><c>--top-k</c>.</summary>
    public Option<int> TopK { get; } = CommonOptions.Integer("--top-k", 2, min: 1, max: 6, "MiniLM: encoder layers unfrozen in top-k mode (all-MiniLM-L6-v2 has 6).");

    /// <summary><c>--lora-r</c>.</summary>
    public Option<int> LoraRank { get; } = CommonOptions.Integer("--lora-r", TextFineTuneOptions.DefaultLora.Rank, min: 1, max: 4096, "MiniLM lora: the adapters' rank r.");

    /// <summary><c>--lora-alpha</c>.</summary>
    public Option<double> LoraAlpha { get; } = CommonOptions.Number("--lora-alpha", TextFineTuneOptions.DefaultLora.Alpha, 1e-12, 1e12,
        "MiniLM lora: the scale numerator alpha (the update is scaled by alpha / r).", "ALPHA");

    /// <summary><c>--lora-targets</c>.</summary>
    public Option<string> LoraTargets { get; } = new("--lora-targets")
    {
        Description = "MiniLM lora: comma-separated module names that get adapters, matched as name suffixes as PEFT's target_modules "
            + "(query, key, value: attention projections; dense: the attention output, intermediate, output and pooler layers).",
        DefaultValueFactory = _ => string.Join(',', TextFineTuneOptions.DefaultLora.TargetModules),
        HelpName = "NAMES",
    };

    /// <summary><c>--lora-plus</c>.</summary>
    public Option<double?> LoraPlus { get; } = CommonOptions.OptionalPositiveNumber("--lora-plus",
        "MiniLM lora: LoRA+ — the B matrices learn this many times faster than A (the paper's default ratio is 16); default plain LoRA.", "RATIO");

    /// <summary><c>--head</c>.</summary>
    public Option<string?> Head { get; } = new Option<string?>("--head")
    {
        Description = "MiniLM: the head on the pooled features: mlp (256 GELU units, dropout 0.3; default in head mode and with --init probe) or linear.",
        HelpName = "mlp|linear",
    }.AcceptOnlyFromAmong("mlp", "linear");

    /// <summary><c>--features</c>.</summary>
    public Option<string?> Features { get; } = new Option<string?>("--features")
    {
        Description = "MiniLM: the pooled features: layers (mean and max pooling of the embedding output and every layer, standardized with "
            + "the pretrained encoder's statistics; default in head mode and with --init probe) or sentence (the sentence embedding: last layer, mean pooling).",
        HelpName = "layers|sentence",
    }.AcceptOnlyFromAmong("layers", "sentence");

    /// <summary><c>--init</c>.</summary>
    public Option<string?> Init { get; } = new Option<string?>("--init")
    {
        Description = "MiniLM top-k/full: how the head starts: random (default) or probe (LP-FT: the head first trains on the frozen features "
            + "as head mode does, then everything trains from it at the encoder's lr; the head and features default to head mode's).",
        HelpName = "random|probe",
    }.AcceptOnlyFromAmong("random", "probe");

    /// <summary><c>--max-grad-norm</c>.</summary>
    public Option<double?> MaxGradNorm { get; } = CommonOptions.OptionalPositiveNumber("--max-grad-norm",
        "MiniLM: clip the gradients' global L2 norm to this before every update (default: no clipping; never in the probe stage of --init probe).", "NORM");

    /// <summary><c>--head-lr</c>.</summary>
    public Option<double?> HeadLearningRate { get; } = CommonOptions.OptionalPositiveNumber("--head-lr",
        "MiniLM: the head's learning rate, replacing its preset (a random head in top-k/full: 10x the encoder's; with --init probe: the "
        + "encoder's; the others in docs/fine-tuning.md). Not applied to the probe stage of --init probe.", "RATE");

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int?> BatchSize { get; } = CommonOptions.OptionalInteger("--batch-size", 1, 100_000, "MiniLM: emails per training step (default 16; 32 in head mode).", "B");

    /// <summary><c>--limit</c>.</summary>
    public Option<int?> Limit { get; } = CommonOptions.OptionalInteger("--limit", 1, 10_000_000, "Training emails used (a seeded random N of the training split), for quick runs; the test split is unchanged.");

    /// <summary><c>--sweep</c>.</summary>
    public Option<bool> Sweep { get; } = new("--sweep") { Description = "MiniLM: run the optimizer × mode table (AdamW, Adam, SGD+momentum × head, top-k, full)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Mode);
        command.Options.Add(TopK);
        command.Options.Add(LoraRank);
        command.Options.Add(LoraAlpha);
        command.Options.Add(LoraTargets);
        command.Options.Add(LoraPlus);
        command.Options.Add(Head);
        command.Options.Add(Features);
        command.Options.Add(Init);
        command.Options.Add(MaxGradNorm);
        command.Options.Add(HeadLearningRate);
        command.Options.Add(BatchSize);
        command.Options.Add(Limit);
        command.Options.Add(Sweep);
    }

    /// <summary>Reads the settings of a MiniLM run: these options plus the spam task's shared settings.</summary>
    public MiniLmSpamSettings Read(ParseResult parse, SpamSettings spam)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(spam);
        var mode = parse.GetValue(Mode)!.Trim().ToLowerInvariant() switch
        {
            "head" => FineTuneMode.Head,
            "top-k" or "topk" => FineTuneMode.TopK,
            "full" => FineTuneMode.Full,
            "lora" => FineTuneMode.Lora,
            var m => throw new CliException($"--mode must be head, top-k, full or lora, got '{m}'."),
        };
        var head = parse.GetValue(Head) switch
        {
            null => (ClassifierHead?)null,
            "linear" => ClassifierHead.Linear,
            _ => ClassifierHead.Mlp,
        };
        var features = parse.GetValue(Features) switch
        {
            null => null,
            "sentence" => HeadFeatures.SentenceEmbedding,
            _ => HeadFeatures.AllLayersMeanMax,
        };
        var init = parse.GetValue(Init) == "probe" ? HeadInit.Probe : HeadInit.Random;
        if (init == HeadInit.Probe && mode == FineTuneMode.Head)
        {
            throw new CliException("--init probe starts top-k or full fine-tuning from a head trained in head mode; use --mode full or top-k.");
        }

        var targets = parse.GetValue(LoraTargets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (targets.Length == 0)
        {
            throw new CliException("--lora-targets needs at least one module name, e.g. query,value.");
        }

        var lora = new LoraOptions { Rank = parse.GetValue(LoraRank), Alpha = parse.GetValue(LoraAlpha), TargetModules = targets };
        return MiniLmSpamSettings.From(spam, mode, parse.GetValue(TopK), parse.GetValue(BatchSize), parse.GetValue(Limit), parse.GetValue(Sweep),
            head, features, init, parse.GetValue(MaxGradNorm), lora, parse.GetValue(LoraPlus), parse.GetValue(HeadLearningRate));
    }
}
