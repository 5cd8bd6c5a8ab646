using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Cli.Charts;
using Descent.Cli.Spam;
using Descent.Cli.Transfer;
using Descent.Training;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent pretrain</c> and <c>descent finetune</c>: the Fashion-MNIST transfer experiment (see
/// <see cref="TransferExperiment"/>). With no options, <c>descent finetune</c> pretrains a small CNN on classes
/// 0–4, fine-tunes it on classes 5–9 with 50 labels per class and compares it with the same network trained
/// from scratch, under SGD+momentum, Adam and AdamW; it prints a table and writes a chart.
/// </summary>
public static class TransferCommands
{
    /// <summary>Creates <c>descent pretrain</c>.</summary>
    public static Command CreatePretrain(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = new SharedOptions(TransferSettings.DefaultOutputDirectory, 2);
        var perClass = new Option<int>("--per-class") { Description = "Training images per class (0–4).", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var command = new Command("pretrain", "Pretrain the small CNN on Fashion-MNIST classes 0–4 (Adam by default); writes OUT/pretrain/best.safetensors and last.safetensors.");
        o.AddTo(command);
        command.Options.Add(perClass);
        command.SetAction(parse =>
        {
            var s = o.Read(parse) with { PretrainPerClass = parse.GetValue(perClass) };
            s = s with { PretrainEpochs = parse.GetValue(o.Epochs) };
            var (dir, description) = TransferExperiment.LocateData(s.DataDirectory);
            context.Console.MarkupLineInterpolated($"data: {description}");
            var path = TransferExperiment.Pretrain(s, dir, m => context.Console.WriteLine(m), EpochPrinter(context));
            context.Console.MarkupLineInterpolated($"pretrained weights: [blue]{path}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>descent finetune</c>.</summary>
    public static Command CreateFinetune(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = new SharedOptions(TransferSettings.DefaultOutputDirectory, 20);
        var optimizers = new Option<string>("--optimizer")
        {
            Description = "Comma-separated optimizers to compare: sgd-momentum, adam, adamw, or any registry name (sgd, rmsprop, …).",
            DefaultValueFactory = _ => "sgd-momentum,adam,adamw",
            HelpName = "NAMES",
        };
        var freeze = new Option<string?>("--freeze") { Description = $"Parameters to freeze while fine-tuning, as name patterns (e.g. '{SmallCnn.Body}' trains only the head).", HelpName = "PATTERNS" };
        var weights = new Option<string?>("--weights") { Description = "Pretrained weights (safetensors); by default the experiment pretrains first.", HelpName = "FILE" };
        var labels = new Option<int>("--labels-per-class") { Description = "Labelled training images per target class.", DefaultValueFactory = _ => 50, HelpName = "N" };
        var command = new Command("finetune",
            "Transfer flagship: fine-tune a CNN pretrained on Fashion-MNIST classes 0–4 on classes 5–9 with few labels, and compare it with "
            + "training from scratch for the same number of steps, under each optimizer. Prints a table and writes transfer.png/.svg and results.csv. "
            + "With --task spam: spam detection on the SpamAssassin corpus (--model minilm or bow).");
        o.AddTo(command);
        command.Options.Add(optimizers);
        command.Options.Add(freeze);
        command.Options.Add(weights);
        command.Options.Add(labels);
        var spam = new SpamOptions();
        spam.AddTo(command);
        var miniLm = new MiniLmSpamOptions();
        miniLm.AddTo(command);
        command.SetAction(parse =>
        {
            if (spam.IsSelected(parse))
            {
                var spamSettings = spam.Read(parse, o.Data, optimizers, o.Epochs, o.Lr, o.Seed, o.Out);
                return spamSettings.Model == "minilm"
                    ? MiniLmSpamRunner.Execute(context, miniLm.Read(parse, spamSettings))
                    : SpamCommand.Execute(context, spamSettings);
            }

            var s = o.Read(parse) with
            {
                Epochs = parse.GetValue(o.Epochs),
                Optimizers = parse.GetValue(optimizers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Freeze = parse.GetValue(freeze),
                Weights = parse.GetValue(weights),
                LabelsPerClass = parse.GetValue(labels),
            };
            return Execute(context, s);
        });
        return command;
    }

    /// <summary>Runs the flagship and reports it.</summary>
    public static int Execute(CliContext context, TransferSettings s)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(s);
        var console = context.Console;
        var (dir, description) = TransferExperiment.LocateData(s.DataDirectory);
        console.MarkupLineInterpolated($"[bold]Descent transfer[/]: seed {s.Seed}; data: {description}");
        void Log(string m) => console.WriteLine(m);
        var weights = s.Weights ?? TransferExperiment.Pretrain(s with { LearningRate = null }, dir, Log, EpochPrinter(context));
        var runs = TransferExperiment.Run(s, dir, weights, Log);

        var table = new Table().AddColumns("Optimizer", "Start", "Steps", "Test accuracy", "Test loss", "Fine-tuned − scratch");
        foreach (var group in runs.GroupBy(r => r.Optimizer))
        {
            var ft = group.FirstOrDefault(r => r.Pretrained);
            var sc = group.FirstOrDefault(r => !r.Pretrained);
            foreach (var r in group)
            {
                var delta = r.Pretrained && ft is not null && sc is not null
                    ? ((ft.Final.ValidationAccuracy ?? double.NaN) - (sc.Final.ValidationAccuracy ?? double.NaN)).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)
                    : string.Empty;
                table.AddRow(
                    Markup.Escape(r.Optimizer),
                    r.Pretrained ? "pretrained" : "scratch",
                    r.Steps.ToString(CultureInfo.InvariantCulture),
                    (r.Final.ValidationAccuracy ?? double.NaN).ToString("P1", CultureInfo.InvariantCulture),
                    (r.Final.ValidationLoss ?? double.NaN).ToString("F4", CultureInfo.InvariantCulture),
                    delta);
            }
        }

        console.Write(table);
        foreach (var r in runs.Where(r => r.Note is not null && !r.Note.StartsWith("loaded", StringComparison.Ordinal)))
        {
            console.MarkupLineInterpolated($"[yellow]{r.Optimizer} {(r.Pretrained ? "fine-tuned" : "scratch")}:[/] {r.Note}");
        }

        var chart = new LossChart("Fashion-MNIST classes 5–9: test loss, fine-tuned vs from scratch")
        {
            XLabel = "epoch",
            YLabel = "test cross-entropy (log scale)",
        };
        foreach (var r in runs)
        {
            chart.Add(new LossSeries($"{r.Optimizer} {(r.Pretrained ? "fine-tuned" : "scratch")}",
                r.History.Select(h => (float)(h.ValidationLoss ?? double.NaN)).ToList()));
        }

        var files = chart.Save(s.OutputDirectory, "transfer").ToList();
        var csv = new StringBuilder("optimizer,start,epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        foreach (var r in runs)
        {
            foreach (var h in r.History)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{r.Optimizer},{(r.Pretrained ? "pretrained" : "scratch")},{h.Epoch},{h.TrainLoss:R},{h.TrainAccuracy:R},{h.ValidationLoss:R},{h.ValidationAccuracy:R}\n");
            }
        }

        var csvPath = Path.Combine(s.OutputDirectory, "results.csv");
        File.WriteAllText(csvPath, csv.ToString());
        files.Add(csvPath);
        console.MarkupLineInterpolated($"Output folder: {Path.GetFullPath(s.OutputDirectory)}");
        foreach (var f in files)
        {
            console.MarkupLineInterpolated($"  {f}");
        }

        return ExitCodes.Success;
    }

    private static Progress<TrainingProgress> EpochPrinter(CliContext context) => new(p =>
    {
        if (p.Batch == p.Batches)
        {
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  {p.SamplesPerSecond:F0} images/s  ETA {p.EstimatedRemaining:mm\\:ss}"));
        }
    });

    private sealed class SharedOptions(string output, int epochs)
    {
        public Option<int> Seed { get; } = CommonOptions.Seed();

        public Option<int> Epochs { get; } = CommonOptions.Epochs(epochs);

        public Option<double?> Lr { get; } = CommonOptions.LearningRate("Learning rate replacing each optimizer's default (SGD+momentum 0.01, Adam/AdamW 1e-3).");

        public Option<string> Out { get; } = CommonOptions.Out(output, "Output folder for checkpoints, chart and results (created if missing).");

        public Option<string?> Data { get; } = new("--data") { Description = $"Folder with the Fashion-MNIST gzip IDX files (default {Descent.Data.FashionMnist.DefaultDirectory}, else the repository's subset); with --task spam, the SpamAssassin corpus.", HelpName = "PATH" };

        public Option<bool> Resume { get; } = new("--resume") { Description = "Continue interrupted runs from their last checkpoints (exactly as if never interrupted)." };

        public void AddTo(Command c)
        {
            c.Options.Add(Seed);
            c.Options.Add(Epochs);
            c.Options.Add(Lr);
            c.Options.Add(Out);
            c.Options.Add(Data);
            c.Options.Add(Resume);
        }

        public TransferSettings Read(ParseResult p) => new()
        {
            Seed = p.GetValue(Seed),
            LearningRate = p.GetValue(Lr),
            OutputDirectory = p.GetValue(Out)!,
            DataDirectory = p.GetValue(Data),
            Resume = p.GetValue(Resume),
        };
    }
}
