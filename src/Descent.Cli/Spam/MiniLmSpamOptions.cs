using System.CommandLine;
using Descent.Text.Classification;

namespace Descent.Cli.Spam;

/// <summary>
/// The options <c>descent finetune --task spam --model minilm</c> adds to <c>descent finetune</c>; the shared ones
/// (<c>--data</c>, <c>--optimizer</c>, <c>--lr</c>, <c>--epochs</c>, <c>--seed</c>, <c>--out</c>) are read from the
/// command by name, with MiniLM defaults when they are not given.
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
    public Option<int> TopK { get; } = new("--top-k") { Description = "MiniLM: encoder layers unfrozen in top-k mode.", DefaultValueFactory = _ => 2, HelpName = "K" };

    /// <summary><c>--batch-size</c>.</summary>
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "MiniLM: emails per training step.", DefaultValueFactory = _ => 16, HelpName = "B" };

    /// <summary><c>--max-length</c>.</summary>
    public Option<int> MaxLength { get; } = new("--max-length") { Description = "MiniLM: tokens per email after truncation ([CLS] and [SEP] included).", DefaultValueFactory = _ => 128, HelpName = "L" };

    /// <summary><c>--limit</c>.</summary>
    public Option<int?> Limit { get; } = new("--limit") { Description = "Training emails used (a seeded random N of the training split), for quick runs; the test split is unchanged.", HelpName = "N" };

    /// <summary><c>--sweep</c>.</summary>
    public Option<bool> Sweep { get; } = new("--sweep") { Description = "MiniLM: run the optimizer × mode table (AdamW, Adam, SGD+momentum × head, top-k, full)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Mode);
        command.Options.Add(TopK);
        command.Options.Add(BatchSize);
        command.Options.Add(MaxLength);
        command.Options.Add(Limit);
        command.Options.Add(Sweep);
    }

    /// <summary>Reads the settings of a MiniLM run.</summary>
    public MiniLmSpamSettings Read(ParseResult parse, Command command)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(command);
        T? Given<T>(string name)
        {
            var option = command.Options.OfType<Option<T>>().FirstOrDefault(o => o.Name == name);
            return option is not null && parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : default;
        }

        var mode = parse.GetValue(Mode)!.Trim().ToLowerInvariant() switch
        {
            "head" => FineTuneMode.Head,
            "top-k" or "topk" => FineTuneMode.TopK,
            "full" => FineTuneMode.Full,
            var m => throw new CliException($"--mode must be head, top-k or full, got '{m}'."),
        };
        var optimizer = Given<string>("--optimizer")?.Trim().ToLowerInvariant() switch
        {
            null or "adamw" => FineTuneOptimizer.AdamW,
            "adam" => FineTuneOptimizer.Adam,
            "sgd" or "sgd-momentum" => FineTuneOptimizer.Sgd,
            var o => throw new CliException($"--optimizer for MiniLM must be adamw, adam or sgd (SGD with momentum 0.9), got '{o}'."),
        };
        try
        {
            var epochs = Given<int>("--epochs");
            var options = new TextFineTuneOptions
            {
                Mode = mode,
                TopK = parse.GetValue(TopK),
                Optimizer = optimizer,
                LearningRate = Given<double?>("--lr"),
                Epochs = epochs > 0 ? epochs : 1,
                BatchSize = parse.GetValue(BatchSize),
                MaxLength = parse.GetValue(MaxLength),
                Seed = (ulong)Math.Max(0, Given<int>("--seed")),
            };
            return new MiniLmSpamSettings
            {
                DataDirectory = Given<string>("--data"),
                FineTune = options,
                Limit = parse.GetValue(Limit),
                Sweep = parse.GetValue(Sweep),
                OutputDirectory = Given<string>("--out") ?? MiniLmSpamSettings.DefaultOutputDirectory,
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliException($"invalid MiniLM setting: {e.Message}", e);
        }
    }
}
