using System.Globalization;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;
using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>The <c>minilm-spam</c> lab task: fine-tuning all-MiniLM-L6-v2 for SpamAssassin spam detection (head, top-k or
/// full; <see cref="MiniLmSpamTask"/>), with its own keys (<see cref="MiniLmTaskSettings"/>).</summary>
public sealed class MiniLmSpamKind : ILabTask
{
    /// <inheritdoc />
    public string Kind => TaskKinds.MiniLmSpam;

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys { get; } = [TaskKeys.BatchSize, TaskKeys.L2, TaskKeys.Data, TaskKeys.Samples, .. TaskKeys.MiniLm];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = ["loss", "train_loss", "val_accuracy", "val_f1", "epoch_seconds", "tokens_per_second", "gflops"];

    /// <inheritdoc />
    public string DefaultMetric => "val_accuracy";

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var spec = section.Common();
        var mode = "full";
        if (section.TryGet("mode", out var m))
        {
            mode = m.ValueKind == System.Text.Json.JsonValueKind.String ? m.GetString()! : string.Empty;
            if (mode is not ("head" or "top-k" or "full"))
            {
                section.Error("mode", "must be \"head\", \"top-k\" or \"full\"");
            }
        }

        var init = section.Choice("init", "random", "probe") ?? "random";
        if (init == "probe" && mode == "head")
        {
            section.Error("init", "\"probe\" starts top-k or full fine-tuning from a head trained as head mode does; use mode \"top-k\" or \"full\"");
        }

        // As the CLI: head mode and LP-FT default to the MLP head on every layer's mean and max pooling.
        var headPreset = mode == "head" || init == "probe";
        return spec with
        {
            Settings = new MiniLmTaskSettings
            {
                Mode = mode,
                Head = section.Choice("head", "mlp", "linear") ?? (headPreset ? "mlp" : "linear"),
                Features = section.Choice("features", "layers", "sentence") ?? (headPreset ? "layers" : "sentence"),
                Init = init,
                TopK = section.Int("top_k", 1, 64, 2)!.Value,
                MaxLength = section.Int("max_length", 2, 512, 128)!.Value,
                TrainLimit = section.Int("train_limit", 1, 1_000_000),
            },
        };
    }

    /// <inheritdoc />
    public string Fingerprint(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var t = task.Settings as MiniLmTaskSettings ?? MiniLmTaskSettings.Default;
        return string.Create(CultureInfo.InvariantCulture,
            $" mode={t.Mode} top_k={t.TopK} head={t.Head} features={t.Features} init={t.Init} max_length={t.MaxLength} train_limit={t.TrainLimit?.ToString(CultureInfo.InvariantCulture) ?? "all"}");
    }

    /// <summary>Before any run: reads the SpamAssassin corpus the runs split (<c>$.task.data</c>, else the default
    /// locations).</summary>
    public void Validate(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        TaskInputs.Check("$.task.data", () =>
        {
            if (task.Data is not null)
            {
                _ = SpamData.LocateData(task.Data);
            }

            _ = SpamSplit.Load(task.Data);
        });
    }

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new MiniLmSpamTask(task);
}
