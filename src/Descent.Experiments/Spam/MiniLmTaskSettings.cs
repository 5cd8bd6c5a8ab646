using Descent.Lab.Tasks;
using Descent.Nn.Lora;
using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>The <c>minilm-spam</c> fields of <c>$.task</c> (see <see cref="MiniLmSpamTask"/>).</summary>
public sealed record MiniLmTaskSettings : TaskSettings
{
    /// <summary>The defaults (full fine-tuning, linear head on the sentence embedding).</summary>
    public static MiniLmTaskSettings Default { get; } = new();

    /// <summary>Which parameters train — <c>head</c>, <c>top-k</c>, <c>full</c> or <c>lora</c> (default full).</summary>
    public string Mode { get; init; } = "full";

    /// <summary>The head, <c>mlp</c> (256 GELU units) or <c>linear</c>; the parser defaults it as the CLI's <c>--head</c>
    /// does: <c>mlp</c> in head mode and with <see cref="Init"/> <c>probe</c>, else <c>linear</c>.</summary>
    public string Head { get; init; } = "linear";

    /// <summary>The pooled features, <c>layers</c> (mean and max pooling of the embedding output and every layer,
    /// standardized) or <c>sentence</c> (the sentence embedding); defaulted like <see cref="Head"/>: <c>layers</c> in head
    /// mode and with <c>probe</c>, else <c>sentence</c>.</summary>
    public string Features { get; init; } = "sentence";

    /// <summary>Top-k and full: how the head starts, <c>random</c> (default) or <c>probe</c> (LP-FT).</summary>
    public string Init { get; init; } = "random";

    /// <summary>The adapters of <c>lora</c> mode (the <c>lora</c> section; default <see cref="TextFineTuneOptions.DefaultLora"/>).</summary>
    public LoraOptions Lora { get; init; } = TextFineTuneOptions.DefaultLora;

    /// <summary>LoRA+ (the <c>lora</c> section's <c>plus</c>): the B matrices' learning rate over the A matrices'; null = off.</summary>
    public double? LoraPlus { get; init; }

    /// <summary>Encoder layers unfrozen in top-k mode (default 2).</summary>
    public int TopK { get; init; } = 2;

    /// <summary>Tokens per email after truncation (default 128).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Training emails used (a seeded random subset of the training split); null = all.</summary>
    public int? TrainLimit { get; init; }
}
