using System.Diagnostics;
using System.Globalization;
using Descent.Training;
using Spectre.Console;

namespace Descent.Cli.Progress;

/// <summary>
/// Shows the progress of one or more <see cref="Trainer"/> runs: on an interactive terminal a live Spectre.Console
/// display (one bar per run, updated within epochs, with epoch, running loss, throughput in samples/s and the
/// trainer's ETA); when the output is redirected or not a terminal (logs, tests), plain lines with no escape
/// sequences — at the end of every epoch for runs of up to 5 epochs, else at about every fifth of the run and the
/// last epoch, and every <see cref="PlainInterval"/> within long epochs.
/// </summary>
/// <remarks>The library's <see cref="Trainer"/> knows nothing of this: it reports typed
/// <see cref="TrainingProgress"/> values through <see cref="IProgress{T}"/>, synchronously on its thread, and
/// <see cref="Start"/> returns such a reporter for each run.</remarks>
public sealed class TrainingProgressDisplay
{
    private readonly CliContext context;
    private readonly ProgressContext? live;

    private TrainingProgressDisplay(CliContext context, ProgressContext? live)
    {
        this.context = context;
        this.live = live;
    }

    /// <summary>How often plain mode prints a line within an epoch (default 10 s); epoch ends always print.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <paramref name="context"/> gets the live display (an interactive terminal, output not redirected).</summary>
    public static bool IsLive(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Console.Profile.Capabilities.Interactive
            && context.Console.Profile.Capabilities.Ansi
            && !(ReferenceEquals(context.Output, Console.Out) && Console.IsOutputRedirected);
    }

    /// <summary>Runs <paramref name="work"/> with a display on <paramref name="context"/> and returns its result;
    /// text written through <see cref="CliContext.Console"/> meanwhile appears above the live bars.
    /// <paramref name="plainInterval"/> replaces <see cref="PlainInterval"/>.</summary>
    public static T Run<T>(CliContext context, Func<TrainingProgressDisplay, T> work, TimeSpan? plainInterval = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        if (!IsLive(context))
        {
            return work(new TrainingProgressDisplay(context, null) { PlainInterval = plainInterval ?? TimeSpan.FromSeconds(10) });
        }

        return context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new PercentageColumn())
            .Start(ctx => work(new TrainingProgressDisplay(context, ctx)));
    }

    /// <summary>A reporter for one run named <paramref name="label"/> (e.g. "adam fine-tuned").</summary>
    public IProgress<TrainingProgress> Start(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return live is null
            ? new PlainReporter(context.Console, label, PlainInterval)
            : new LiveReporter(live.AddTask(Markup.Escape(label), maxValue: 1.0), label);
    }

    /// <summary>The text shown for a progress report: epoch, batch, running loss, samples/s and ETA.</summary>
    public static string Describe(TrainingProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs}  batch {p.Batch}/{p.Batches}  loss {p.Loss:F4}  {p.SamplesPerSecond:N0} samples/s  ETA {FormatTime(p.EstimatedRemaining)}");
    }

    private static string FormatTime(TimeSpan t) => DurationText.Format(t);

    private sealed class PlainReporter(IAnsiConsole console, string label, TimeSpan interval) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch sinceLine = Stopwatch.StartNew();

        public void Report(TrainingProgress value)
        {
            var epochEnd = value.Batch == value.Batches;
            var every = Math.Max(1, (value.Epochs + 4) / 5);
            if ((epochEnd && (value.Epoch % every == 0 || value.Epoch == value.Epochs)) || sinceLine.Elapsed >= interval)
            {
                sinceLine.Restart();
                console.WriteLine($"  {label}: {Describe(value)}");
            }
        }
    }

    private sealed class LiveReporter(ProgressTask task, string label) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{label}  epoch {value.Epoch}/{value.Epochs}  loss {value.Loss:F4}  {value.SamplesPerSecond:N0} samples/s  ETA {FormatTime(value.EstimatedRemaining)}"));
            task.Value = value.Fraction;
        }
    }
}
