using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Lab.Reports;
using Descent.Cli.Progress;
using Descent.Cli.Spam;
using Descent.Experiments.Spam;
using Descent.Distributed;
using Descent.Experiments.Transfer;
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
        var o = new SharedOptions(TransferSettings.DefaultOutputDirectory, 5);
        var perClass = CommonOptions.Integer("--per-class", 6000, min: 1, max: 6000, "Training images per class (0–4; 6000 = all).");
        var command = new Command("pretrain", "Pretrain the small CNN on Fashion-MNIST classes 0–4 (Adam by default); writes OUT/pretrain/best.safetensors and last.safetensors.");
        o.AddTo(command);
        command.Options.Add(perClass);
        command.SetAction(parse =>
        {
            var s = Distributed(o.Read(parse) with { PretrainPerClass = parse.GetValue(perClass) });
            s = s with { PretrainEpochs = parse.GetValue(o.Epochs) };
            OutputFolder.RequireWritable(s.OutputDirectory);
            var (dir, description) = TransferExperiment.LocateData(s.DataDirectory);
            context.Console.MarkupLineInterpolated($"data: {description}");
            var path = TrainingProgressDisplay.Run(context, d => TransferExperiment.Pretrain(s, dir, m => context.Console.WriteLine(m), d.Start("pretrain")));
            context.Console.MarkupLineInterpolated($"pretrained weights: [blue]{path}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>descent finetune</c>.</summary>
    public static Command CreateFinetune(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = new SharedOptions(TransferSettings.DefaultOutputDirectory, 20, "Fine-tuning epochs (default: enough for --steps).");
        var optimizers = new Option<string>("--optimizer")
        {
            Description = "Comma-separated optimizers to compare: sgd-momentum, adam, adamw, or any registry name (sgd, rmsprop, …).",
            DefaultValueFactory = _ => "sgd-momentum,adam,adamw",
            HelpName = "NAMES",
        };
        var freeze = new Option<string?>("--freeze") { Description = $"Parameters to freeze while fine-tuning, as name patterns (e.g. '{SmallCnn.Body}' trains only the head).", HelpName = "PATTERNS" };
        var weights = new Option<string?>("--weights") { Description = "Pretrained weights (safetensors); by default the experiment pretrains first.", HelpName = "FILE" };
        var labels = CommonOptions.Integer("--labels-per-class", 50, min: 1, max: 6000, "Labelled training images per target class.");
        var steps = CommonOptions.Steps(200, "Optimizer steps of every fine-tuned and from-scratch run (batch 25), rounded up to whole epochs.");
        var validation = CommonOptions.Integer("--validation-per-class", 100, min: 1, max: 6000,
            "Validation images per target class (from the training split; monitored each epoch, never used for the test result).");
        var repeats = CommonOptions.Integer("--repeats", 5, min: 1, max: 1000, "Seeds per run (--seed, --seed+1, …); the table shows mean ± std over them.");
        var bodyFactor = CommonOptions.Number("--body-lr-factor", 1.0, min: 0, max: 1e6,
            "Learning rate of the pretrained body relative to the new head's (discriminative fine-tuning; 1 = one rate).", "FACTOR");
        var transfer = new Option<string>("--transfer")
        {
            Description = "Layers copied from the pretrained network: conv (the convolutional layers; the hidden Linear layer starts as in the "
                + "scratch network) or body (everything but the head). The head is always new.",
            DefaultValueFactory = _ => TransferName(TransferredLayers.Convolutional),
            HelpName = "conv|body",
        }.AcceptOnlyFromAmong(TransferName(TransferredLayers.Convolutional), TransferName(TransferredLayers.Body));
        var command = new Command("finetune",
            "Transfer flagship: fine-tune a CNN pretrained on Fashion-MNIST classes 0–4 on classes 5–9 with few labels, and compare it with "
            + "training from scratch for the same number of steps, under each optimizer. Prints a table and writes transfer.png/.svg and results.csv. "
            + "With --task spam: spam detection on the SpamAssassin corpus (--model minilm or bow).");
        o.AddTo(command);
        command.Options.Add(optimizers);
        command.Options.Add(freeze);
        command.Options.Add(weights);
        command.Options.Add(labels);
        command.Options.Add(steps);
        command.Options.Add(repeats);
        command.Options.Add(validation);
        command.Options.Add(bodyFactor);
        command.Options.Add(transfer);
        var spam = new SpamOptions();
        spam.AddTo(command);
        var miniLm = new MiniLmSpamOptions();
        miniLm.AddTo(command);
        command.SetAction(parse =>
        {
            if (spam.IsSelected(parse))
            {
                var spamSettings = spam.Read(parse, o.Data, optimizers, o.Epochs, o.Lr, o.Seed, o.Out);
                OutputFolder.RequireWritable(spamSettings.OutputDirectory);
                return spamSettings.Model == "minilm"
                    ? MiniLmSpamRunner.Execute(context, miniLm.Read(parse, spamSettings))
                    : SpamCommand.Execute(context, spamSettings);
            }

            if ((long)parse.GetValue(o.Seed) + parse.GetValue(repeats) - 1 > int.MaxValue)
            {
                throw new CliException($"--seed {parse.GetValue(o.Seed)} with --repeats {parse.GetValue(repeats)} needs seeds above {int.MaxValue}; "
                                       + $"use --seed at most {int.MaxValue - parse.GetValue(repeats) + 1}.");
            }

            var s = o.Read(parse) with
            {
                Epochs = parse.GetResult(o.Epochs) is { Implicit: false } ? parse.GetValue(o.Epochs) : null,
                Steps = parse.GetValue(steps),
                Repeats = parse.GetValue(repeats),
                ValidationPerClass = parse.GetValue(validation),
                BodyLearningRateFactor = parse.GetValue(bodyFactor),
                Optimizers = parse.GetValue(optimizers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Freeze = parse.GetValue(freeze),
                Weights = parse.GetValue(weights),
                LabelsPerClass = parse.GetValue(labels),
                Transfer = parse.GetValue(transfer) == TransferName(TransferredLayers.Body) ? TransferredLayers.Body : TransferredLayers.Convolutional,
            };
            return Execute(context, s);
        });
        return command;
    }

    /// <summary>Under <c>mpirun -n N</c> (N &gt; 1): every training run data-parallel over the N ranks
    /// (<see cref="DataParallel"/>; batch sizes stay the global ones).</summary>
    private static TransferSettings Distributed(TransferSettings s)
    {
        var communicator = Communicator.FromEnvironment();
        return communicator.Size > 1 && s.Callbacks.Count == 0 ? s with { Callbacks = [new DataParallel(communicator)] } : s;
    }

    /// <summary>The <c>--transfer</c> value of <paramref name="layers"/>: <c>conv</c> or <c>body</c>.</summary>
    public static string TransferName(TransferredLayers layers) => TransferExperiment.TransferName(layers);

    /// <summary>Runs the flagship and reports it.</summary>
    public static int Execute(CliContext context, TransferSettings s)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(s);
        s = Distributed(s);
        var console = context.Console;
        OutputFolder.RequireWritable(s.OutputDirectory);
        var (dir, description) = TransferExperiment.LocateData(s.DataDirectory);
        TransferExperiment.Validate(s);
        console.MarkupLineInterpolated($"[bold]Descent transfer[/]: seed {s.Seed}; data: {description}");
        void Log(string m) => console.WriteLine(m);
        var runs = TrainingProgressDisplay.Run(context, display =>
        {
            var weights = s.Weights ?? TransferExperiment.Pretrain(s with { LearningRate = null }, dir, Log, display.Start("pretrain"));
            return TransferExperiment.Run(s, dir, weights, Log, display.Start);
        });

        if (!Communicator.FromEnvironment().IsRoot)
        {
            return ExitCodes.Success; // under mpirun, rank 0 reports and writes the results
        }

        var table = new Table().AddColumns("Optimizer", "Steps", "Fine-tuned test acc.", "From scratch test acc.", "Difference (paired)", "Fine-tuned test loss", "Scratch test loss");
        foreach (var group in runs.GroupBy(r => r.Optimizer))
        {
            var ft = group.Where(r => r.Pretrained).OrderBy(r => r.Seed).ToList();
            var sc = group.Where(r => !r.Pretrained).OrderBy(r => r.Seed).ToList();
            // Diverged runs have no result: they are counted in their cells, never averaged in.
            var pairs = ft.Zip(sc).Where(p => !p.First.Diverged && !p.Second.Diverged).ToList();
            table.AddRow(
                Markup.Escape(group.Key),
                group.First().Steps.ToString(CultureInfo.InvariantCulture),
                Results(ft, r => 100 * r.TestAccuracy, "F1", " %"),
                Results(sc, r => 100 * r.TestAccuracy, "F1", " %"),
                MeanStd(pairs.Select(p => 100 * (p.First.TestAccuracy - p.Second.TestAccuracy)), "+0.0;-0.0", " points"),
                Results(ft, r => r.TestLoss, "F3", string.Empty),
                Results(sc, r => r.TestLoss, "F3", string.Empty));
        }

        console.MarkupLineInterpolated($"Test set: {runs.Count / Math.Max(1, 2 * s.Optimizers.Count)} seed(s) from {s.Seed}, mean ± sample std");
        console.Write(table);
        foreach (var r in runs.Where(r => r.Note is not null && !r.Note.StartsWith("loaded", StringComparison.Ordinal)))
        {
            console.MarkupLineInterpolated($"[yellow]{r.Optimizer} {(r.Pretrained ? "fine-tuned" : "scratch")}:[/] {r.Note}");
        }

        var chart = new LossChart($"Fashion-MNIST classes 5–9: validation loss, fine-tuned vs from scratch (seed {s.Seed})")
        {
            XLabel = "epoch",
            YLabel = "validation cross-entropy (log scale)",
        };
        foreach (var r in runs.Where(r => r.Seed == s.Seed))
        {
            chart.Add(new LossSeries($"{r.Optimizer} {(r.Pretrained ? "fine-tuned" : "scratch")}",
                r.History.Select(h => (float)(h.ValidationLoss ?? double.NaN)).ToList()));
        }

        var files = chart.Save(s.OutputDirectory, "transfer").ToList();
        var csv = new StringBuilder("optimizer,start,seed,epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy\n");
        foreach (var r in runs)
        {
            foreach (var h in r.History)
            {
                var last = h.Epoch == r.History[^1].Epoch;
                csv.Append(CultureInfo.InvariantCulture,
                    $"{r.Optimizer},{(r.Pretrained ? "pretrained" : "scratch")},{r.Seed},{h.Epoch},{h.TrainLoss:R},{h.TrainAccuracy:R},{h.ValidationLoss:R},{h.ValidationAccuracy:R},{(last ? r.TestLoss.ToString("R", CultureInfo.InvariantCulture) : "")},{(last ? r.TestAccuracy.ToString("R", CultureInfo.InvariantCulture) : "")}\n");
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

    /// <summary>Mean ± std of <paramref name="value"/> over the runs that did not diverge, and how many diverged.</summary>
    private static string Results(IReadOnlyList<TransferRun> runs, Func<TransferRun, double> value, string format, string unit)
    {
        var diverged = runs.Count(r => r.Diverged);
        if (diverged == 0)
        {
            return MeanStd(runs.Select(value), format, unit);
        }

        return diverged == runs.Count
            ? "diverged"
            : $"{MeanStd(runs.Where(r => !r.Diverged).Select(value), format, unit)} ({diverged} of {runs.Count} diverged)";
    }

    private static string MeanStd(IEnumerable<double> values, string format, string unit)
    {
        var v = values.ToList();
        if (v.Count == 0)
        {
            return "–";
        }

        var mean = v.Average();
        var std = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return v.Count > 1
            ? $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {std.ToString(format == "F3" ? "F3" : "F1", CultureInfo.InvariantCulture)}{unit}"
            : $"{mean.ToString(format, CultureInfo.InvariantCulture)}{unit}";
    }

    private sealed class SharedOptions(string output, int epochs, string epochsDescription = "Number of passes over the training data.")
    {
        public Option<int> Seed { get; } = CommonOptions.Seed();

        public Option<int> Epochs { get; } = CommonOptions.Epochs(epochs, epochsDescription);

        public Option<double?> Lr { get; } = CommonOptions.LearningRate("Learning rate replacing each optimizer's default (SGD+momentum 0.01, Adam/AdamW 1e-3).");

        public Option<string> Out { get; } = CommonOptions.Out(output, "Output folder for checkpoints, chart and results (created if missing).");

        public Option<string?> Data { get; } = new("--data") { Description = $"Folder with the Fashion-MNIST gzip IDX files (default {Descent.Data.FashionMnist.DefaultDirectory}, else the repository's subset); with --task spam, the SpamAssassin corpus.", HelpName = "PATH" };

        public Option<int> Width { get; } = CommonOptions.Integer("--width", SmallCnn.DefaultWidth, min: 1, max: 64,
            "Width multiplier of the small CNN: 8N and 16N channels, 32N hidden units (the same for pretraining, fine-tuning and scratch; --weights must match).");

        public Option<bool> Resume { get; } = new("--resume") { Description = "Continue interrupted runs from their last checkpoints (exactly as if never interrupted)." };

        public void AddTo(Command c)
        {
            c.Options.Add(Seed);
            c.Options.Add(Epochs);
            c.Options.Add(Lr);
            c.Options.Add(Out);
            c.Options.Add(Data);
            c.Options.Add(Resume);
            c.Options.Add(Width);
        }

        public TransferSettings Read(ParseResult p) => new()
        {
            Seed = p.GetValue(Seed),
            LearningRate = p.GetValue(Lr),
            OutputDirectory = p.GetValue(Out)!,
            DataDirectory = p.GetValue(Data),
            Resume = p.GetValue(Resume),
            Width = p.GetValue(Width),
        };
    }
}
