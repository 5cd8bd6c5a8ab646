using System.CommandLine;
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
        Description = "MiniLM: which parameters train: head (encoder frozen, embeddings cached once), top-k (top K layers + head), full.",
        DefaultValueFactory = _ => "full",
        HelpName = "head|top-k|full",
    };

    /// <summary><c>--top-k</c>.</summary>
    public Option<int> TopK { get; } = CommonOptions.Integer("--top-k", 2, min: 1, max: 6, "MiniLM: encoder layers unfrozen in top-k mode (all-MiniLM-L6-v2 has 6).");

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
        command.Options.Add(Head);
        command.Options.Add(Features);
        command.Options.Add(Init);
        command.Options.Add(MaxGradNorm);
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
            var m => throw new CliException($"--mode must be head, top-k or full, got '{m}'."),
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

        return MiniLmSpamSettings.From(spam, mode, parse.GetValue(TopK), parse.GetValue(BatchSize), parse.GetValue(Limit), parse.GetValue(Sweep),
            head, features, init, parse.GetValue(MaxGradNorm));
    }
}
