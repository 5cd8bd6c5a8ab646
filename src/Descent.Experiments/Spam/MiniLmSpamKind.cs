using System.Globalization;
using System.Text.Json;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;
using Descent.Nn.Lora;
using Descent.Text;
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
    public IReadOnlyList<string> Metrics { get; } = ["loss", "train_loss", "val_accuracy", "val_f1", "epoch_seconds", "tokens_per_second", "gflops", .. RunResources.Names];

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
            mode = m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
            if (mode is not ("head" or "top-k" or "full" or "lora"))
            {
                section.Error("mode", "must be \"head\", \"top-k\", \"full\" or \"lora\"");
            }
        }

        var (lora, plus) = ReadLora(section, mode);

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
                Lora = lora,
                LoraPlus = plus,
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
            $" mode={t.Mode}{(t.Mode == "lora" ? $" lora_r={t.Lora.Rank} lora_alpha={t.Lora.Alpha:R} lora_dropout={t.Lora.Dropout:R} lora_targets={string.Join('+', t.Lora.TargetModules)}{(t.LoraPlus is { } p ? $" lora_plus={p:R}" : string.Empty)}" : string.Empty)} top_k={t.TopK} head={t.Head} features={t.Features} init={t.Init} max_length={t.MaxLength} train_limit={t.TrainLimit?.ToString(CultureInfo.InvariantCulture) ?? "all"}");
    }

    /// <summary>The <c>lora</c> section (only with mode <c>lora</c>): r, alpha, dropout and target_modules over the defaults,
    /// and the LoRA+ ratio <c>plus</c> (0 or absent: off).</summary>
    private static (LoraOptions Lora, double? Plus) ReadLora(TaskSection section, string mode)
    {
        var lora = TextFineTuneOptions.DefaultLora;
        double? plus = null;
        if (!section.TryGet("lora", out var element))
        {
            return (lora, plus);
        }

        if (mode != "lora")
        {
            section.Error("lora", "applies to mode \"lora\" only");
            return (lora, plus);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            section.Error("lora", $"must be an object with r, alpha, dropout, target_modules and plus, got {TaskSection.Describe(element)}");
            return (lora, plus);
        }

        foreach (var field in element.EnumerateObject())
        {
            try
            {
                lora = field.Name switch
                {
                    "r" when field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var r) => lora with { Rank = r },
                    "alpha" when field.Value.ValueKind == JsonValueKind.Number => lora with { Alpha = field.Value.GetDouble() },
                    "dropout" when field.Value.ValueKind == JsonValueKind.Number => lora with { Dropout = field.Value.GetDouble() },
                    "target_modules" when field.Value.ValueKind == JsonValueKind.Array && field.Value.GetArrayLength() > 0
                        && field.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())) =>
                        lora with { TargetModules = [.. field.Value.EnumerateArray().Select(v => v.GetString()!)] },
                    "plus" => ReadPlus(field.Value, out plus, lora),
                    "r" or "alpha" or "dropout" => throw new ArgumentOutOfRangeException(field.Name, $"must be a number, got {TaskSection.Describe(field.Value)}"),
                    "target_modules" => throw new ArgumentOutOfRangeException(field.Name, "must be a non-empty list of module names"),
                    _ => throw new ArgumentOutOfRangeException(field.Name, "unknown key; the lora section has r, alpha, dropout, target_modules and plus"),
                };
            }
            catch (ArgumentOutOfRangeException e)
            {
                section.Error($"lora.{field.Name}", e.Message.Split(Environment.NewLine)[0].Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal));
            }
        }

        return (lora, plus);
    }

    /// <summary><c>lora.plus</c>: the LoRA+ ratio η_B / η_A, a finite number ≥ 0 where 0 switches LoRA+ off; returns
    /// <paramref name="lora"/> unchanged.</summary>
    private static LoraOptions ReadPlus(JsonElement value, out double? plus, LoraOptions lora)
    {
        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()) || value.GetDouble() < 0)
        {
            throw new ArgumentOutOfRangeException("plus",
                $"must be the LoRA+ ratio of the B matrices' learning rate to the A matrices', a finite number ≥ 0 (0 = off; the paper's default is 16), got {TaskSection.Describe(value)}");
        }

        plus = value.GetDouble() > 0 ? value.GetDouble() : null;
        return lora;
    }

    /// <summary>Before any run: reads the SpamAssassin corpus the runs split (<c>$.task.data</c>, else the default
    /// locations) and finds the all-MiniLM-L6-v2 weights.</summary>
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
        TaskInputs.Check("$.task", () => MiniLm.Locate());
    }

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new MiniLmSpamTask(task);
}
