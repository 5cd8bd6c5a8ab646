using System.CommandLine;
using Descent.Experiments.Spam;

namespace Descent.Cli.Spam;

/// <summary>
/// The options <c>descent finetune</c> gains for <c>--task spam</c>: <c>--task</c>, <c>--model</c> and
/// <c>--max-length</c>. The command's shared options (<c>--data</c>, <c>--optimizer</c>, <c>--epochs</c>, <c>--lr</c>,
/// <c>--seed</c>, <c>--out</c>) are read too; those left at their defaults take the spam task's defaults instead.
/// </summary>
public sealed class SpamOptions
{
    /// <summary>The Fashion-MNIST transfer task (the default).</summary>
    public const string TransferTask = "transfer";

    /// <summary>The spam task.</summary>
    public const string SpamTask = "spam";

    /// <summary><c>--task</c>: transfer (default) or spam.</summary>
    public Option<string?> Task { get; } = new Option<string?>("--task")
    {
        Description = "transfer (default): Fashion-MNIST CNN transfer; spam: SpamAssassin spam detection (see --model; --data is then the corpus, "
            + "and --optimizer, --epochs and --out left out take the spam model's defaults, e.g. bow: adam, 10 epochs, descent-out/spam).",
        HelpName = "TASK",
    }.AcceptOnlyFromAmong(TransferTask, SpamTask);

    /// <summary><c>--model</c>: bow or minilm (implies --task spam).</summary>
    public Option<string?> Model { get; } = new Option<string?>("--model")
    {
        Description = "For --task spam: minilm (default; fine-tune all-MiniLM-L6-v2) or bow (bag-of-words logistic-regression baseline). Implies --task spam.",
        HelpName = "MODEL",
    }.AcceptOnlyFromAmong("minilm", "bow");

    /// <summary><c>--max-length</c>: BERT tokens per e-mail.</summary>
    public Option<int> MaxLength { get; } = CommonOptions.Integer("--max-length", 128, 2, 512,
        "For --task spam: maximum sequence length in BERT tokens (MiniLM's input; bow is also measured on text cut to it).");

    /// <summary><c>--validation</c>: evaluate on a validation split carved from the training split.</summary>
    public Option<bool> Validation { get; } = new("--validation")
    {
        Description = "For --task spam: train on 80 % of the training split and evaluate on the other 20 % (stratified, seed 1) instead of "
            + "the test split, to choose settings without looking at the test split.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Task);
        command.Options.Add(Model);
        command.Options.Add(MaxLength);
        command.Options.Add(Validation);
    }

    /// <summary>Whether the parse selects the spam task (<c>--task spam</c>, or <c>--model</c> without <c>--task</c>).</summary>
    /// <exception cref="CliException"><c>--model</c> with <c>--task transfer</c>.</exception>
    public bool IsSelected(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var task = parse.GetValue(Task);
        var model = parse.GetValue(Model);
        if (task == TransferTask && model is not null)
        {
            throw new CliException($"--model {model} belongs to --task spam; the transfer task trains its own CNN.");
        }

        return task == SpamTask || (task is null && model is not null);
    }

    /// <summary>Reads the spam settings: these options plus the command's shared ones, those not given explicitly
    /// (left at the transfer task's defaults) replaced by the spam task's defaults (null).</summary>
    public SpamSettings Read(ParseResult parse, Option<string?> data, Option<string> optimizers, Option<int> epochs,
        Option<double?> learningRate, Option<int> seed, Option<string> output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        bool Given(Option o) => parse.GetResult(o) is { Implicit: false };
        return new SpamSettings
        {
            Model = parse.GetValue(Model) ?? "minilm",
            DataPath = parse.GetValue(data),
            Optimizers = Given(optimizers)
                ? parse.GetValue(optimizers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : null,
            Epochs = Given(epochs) ? parse.GetValue(epochs) : null,
            LearningRate = parse.GetValue(learningRate),
            Seed = parse.GetValue(seed),
            OutputDirectory = Given(output) ? parse.GetValue(output)! : SpamSettings.DefaultOutputDirectory,
            MaxLength = parse.GetValue(MaxLength),
            Validation = parse.GetValue(Validation),
        };
    }
}
