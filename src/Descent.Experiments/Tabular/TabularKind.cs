using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Descent.Data;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Experiments.Tabular;

/// <summary>
/// What the <c>csv</c> and <c>idx</c> kinds (<see cref="CsvKind"/>, <see cref="IdxKind"/>) share: the MLP and its
/// training (<see cref="TabularTask"/>), the keys <c>model</c>, <c>standardize</c>, <c>batch_size</c>,
/// <c>validation_fraction</c> and <c>init</c>, the validation of every file before the first run, the data read once
/// and shared by the runs, and a fingerprint holding the SHA-256 of every file (an edited file does not mix with runs
/// stored before).
/// </summary>
public abstract class TabularKind : ILabTask
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Lazy<TabularData>> cache = [];

    /// <summary>The metrics of a classification run.</summary>
    public static IReadOnlyList<string> ClassificationMetrics { get; } = ["loss", "train_loss", "val_loss", "val_accuracy", "val_macro_f1"];

    /// <summary>The metrics of a regression run.</summary>
    public static IReadOnlyList<string> RegressionMetrics { get; } = ["loss", "train_loss", "val_loss", "val_rmse"];

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<TaskKey> Keys { get; }

    /// <inheritdoc />
    public virtual IReadOnlyList<string> Metrics => ClassificationMetrics;

    /// <inheritdoc />
    public string DefaultMetric => "val_accuracy";

    /// <inheritdoc />
    public IReadOnlyList<string> MetricsOf(TaskSpec task) => Problem(task) == CsvProblem.Regression ? RegressionMetrics : ClassificationMetrics;

    /// <inheritdoc />
    public string DefaultMetricOf(TaskSpec task) => Problem(task) == CsvProblem.Regression ? "val_rmse" : DefaultMetric;

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var spec = section.Common();
        var model = TabularModel.Read(section);
        var standardize = section.Bool("standardize", StandardizeByDefault);
        var fraction = TabularSettings.DefaultValidationFraction;
        if (section.TryGet("validation_fraction", out var f))
        {
            if (f.ValueKind == JsonValueKind.Number && f.GetDouble() is > 0 and < 1)
            {
                fraction = f.GetDouble();
            }
            else
            {
                section.Error("validation_fraction", $"must be a number in (0, 1), not {TaskSection.Describe(f)}");
            }
        }

        var init = Path(section, "init", required: false);
        var settings = Read(section, model, standardize, fraction, init);
        if (section.Has("validation_fraction") && (section.Has("validation") || section.Has("validation_images")))
        {
            section.Error("validation_fraction", "a validation file is named; give either validation files or validation_fraction, not both");
        }

        return spec with { Hidden = model.Hidden, Settings = settings };
    }

    /// <inheritdoc />
    public string Fingerprint(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var s = Settings(task);
        var files = s.Files.Select(f => $" {f.Key}={Hash(f.Path)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{string.Concat(files)} {Describe(s)} model={s.Model} standardize={s.Standardize} validation_fraction={(s.HasValidationFiles ? "-" : s.ValidationFraction.ToString("R", CultureInfo.InvariantCulture))} init={(s.Init is null ? "seeded" : Hash(s.Init))}");
    }

    /// <inheritdoc />
    public void Validate(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var data = Data(task);
        if (Settings(task).Init is { } init)
        {
            TabularTask.LoadInit(init, Settings(task).Model.Build(data.Inputs, data.Outputs, 0));
        }
    }

    /// <summary>The MLP's weights and biases (inputs → hidden… → outputs, from the data read by <see cref="Validate"/>) and its
    /// activations over the largest pass a run makes: a mini-batch, or an evaluation over every training row.</summary>
    public MemoryFootprint? Footprint(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var data = Data(task);
        var model = Settings(task).Model;
        var batch = task.BatchSize ?? TabularSettings.DefaultBatchSize;
        return MemoryFootprint.Mlp(data.Inputs, model.Hidden.Append(data.Outputs), Math.Max(batch, data.Train.Count), model.Dropout > 0 ? 6 : 4) with
        {
            SamplesPerStep = Math.Min(batch, data.Train.Count),
            SamplesPerEpoch = data.Train.Count,
        };
    }

    /// <summary>True: its runs train through SupervisedTraining (data-parallel when the spec's ranks is above 1).</summary>
    public bool SupportsDataParallel => true;

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TabularTask(task, Settings(task), Data(task));
    }

    /// <summary>The data of <paramref name="task"/>: read and checked on first use, then shared (until a file changes).</summary>
    public TabularData Data(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var settings = Settings(task);
        var key = string.Join("|", settings.Files.Select(f => File.Exists(f.Path) ? $"{f.Path}:{new FileInfo(f.Path).Length}:{File.GetLastWriteTimeUtc(f.Path).Ticks}" : f.Path)) +
                  $"|{Describe(settings)}|{settings.ValidationFraction.ToString("R", CultureInfo.InvariantCulture)}|{settings.Standardize}";
        Lazy<TabularData> lazy;
        lock (gate)
        {
            if (!cache.TryGetValue(key, out lazy!))
            {
                cache.Clear(); // the data of one experiment at a time
                cache[key] = lazy = new Lazy<TabularData>(() => Load(settings));
            }
        }

        try
        {
            return lazy.Value;
        }
        catch
        {
            lock (gate)
            {
                cache.Remove(key);
            }

            throw;
        }
    }

    /// <summary>Whether <c>standardize</c> defaults to true.</summary>
    protected abstract bool StandardizeByDefault { get; }

    /// <summary>Reads the kind's own keys; null when they have errors (reported to <paramref name="section"/>).</summary>
    protected abstract TabularSettings? Read(TaskSection section, TabularModel model, bool standardize, double validationFraction, string? init);

    /// <summary>Reads and checks the data files.</summary>
    protected abstract TabularData Load(TabularSettings settings);

    /// <summary>The kind's settings that shape the data besides its files (e.g. target and problem), for the fingerprint.</summary>
    protected abstract string Describe(TabularSettings settings);

    /// <summary>A file path key resolved against the spec's folder; null when absent (an error when <paramref name="required"/>).</summary>
    protected static string? Path(TaskSection section, string key, bool required)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.TryGet(key, out var v))
        {
            if (required)
            {
                section.Error(null, $"missing required property \"{key}\"");
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            section.Error(key, $"must be a file path, not {TaskSection.Describe(v)}");
            return null;
        }

        return section.ResolvePath(v.GetString()!);
    }

    private static CsvProblem Problem(TaskSpec task) => task.Settings is CsvSettings c ? c.Problem : CsvProblem.Classification;

    private static TabularSettings Settings(TaskSpec task) => task.Settings as TabularSettings
        ?? throw new ArgumentException($"task {task.Kind} has no {nameof(TabularSettings)}", nameof(task));

    private static string Hash(string path)
    {
        if (!File.Exists(path))
        {
            return "missing";
        }

        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
