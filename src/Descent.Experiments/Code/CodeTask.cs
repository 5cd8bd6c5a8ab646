using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Descent.Lab;
using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Training;

namespace Descent.Experiments.Code;

/// <summary>
/// A lab task made of the caller's own model, data, loss and metrics: <see cref="Compare"/> trains it with every
/// optimizer configuration × seed of an experiment spec and returns the lab's analysis (ranking, confidence intervals,
/// verdict), like <c>descent compare</c> for a built-in task.
/// </summary>
/// <remarks>
/// <para>Each run builds its model with <see cref="Model"/> from the run's seed (so every optimizer starts from the same
/// weights for a seed), shuffles <see cref="Train"/> into mini-batches of <see cref="BatchSize"/> by the seed, and trains
/// under <see cref="Loss"/> for the spec's budget with the spec's optimizer and schedule.</para>
/// <para>Metrics: per step <c>loss</c>; per epoch (0 = before training) <c>train_loss</c>, <c>val_loss</c> (the loss on
/// <see cref="Validation"/>), <c>val_accuracy</c>, and every entry of <see cref="CustomMetrics"/>. The main metric is
/// the spec's <c>target.metric</c>, else <c>val_accuracy</c>; a metric named <c>…accuracy</c> or <c>…f1</c> is
/// maximized, others minimized, unless the target says <c>"goal"</c>.</para>
/// <para>Before the first run, <see cref="Validate"/> builds the seed-0 model and evaluates the loss and every metric
/// once, so a model that does not fit the data fails at once with the reason. A kind name <see cref="Kind"/> (default
/// <c>code</c>) is what the spec's <c>task.kind</c> may say; the spec needs no <c>task</c> section.</para>
/// </remarks>
public sealed class CodeTask : ILabTask
{
    private static readonly string[] BuiltInMetrics = ["loss", Learner.TrainLossMetric, Learner.ValidationLossMetric, "val_accuracy"];

    /// <summary>The task kind's name in the spec (default <c>code</c>).</summary>
    public string Kind { get; init; } = "code";

    /// <summary>Builds the model of the run with the given seed (seed every random initialization with it).</summary>
    public required Func<int, Module> Model { get; init; }

    /// <summary>The training set.</summary>
    public required Dataset Train { get; init; }

    /// <summary>The validation set (<c>val_loss</c>, <c>val_accuracy</c>).</summary>
    public required Dataset Validation { get; init; }

    /// <summary>Mini-batch size (≥ 1; default 32; at most the training set).</summary>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be ≥ 1");
    } = 32;

    /// <summary>The loss of a batch's outputs and labels (default <see cref="CrossEntropyLoss"/>).</summary>
    public Func<Tensor, int[], Tensor> Loss { get; init; } = new CrossEntropyLoss().Forward;

    /// <summary>Further metrics by name, each computed from the model after every epoch (e.g. a validation F1 through
    /// <see cref="Module.PredictClasses"/> and <see cref="Training.Metrics"/>).</summary>
    public IDictionary<string, Func<Module, double>> CustomMetrics { get; } = new SortedDictionary<string, Func<Module, double>>(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys => [];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics => [.. BuiltInMetrics, .. CustomMetrics.Keys.Where(k => !BuiltInMetrics.Contains(k))];

    /// <inheritdoc />
    public string DefaultMetric => "val_accuracy";

    /// <summary>
    /// Runs the experiment <paramref name="specJson"/> (the <c>descent compare</c> format: <c>name</c>, <c>budget</c>,
    /// <c>seeds</c>, <c>optimizers</c>, optional <c>target</c> and <c>schedule</c>; <c>task</c> may be left out) on this
    /// task and returns what the runner did and the analysis. With <paramref name="outputDirectory"/> the runs, the
    /// summary and the HTML report go there (a rerun skips the runs already done); without, the runs are kept in a
    /// temporary folder that is deleted afterwards.
    /// </summary>
    /// <param name="specJson">The experiment spec.</param>
    /// <param name="outputDirectory">Where the runs and the report go; null for none.</param>
    /// <param name="jobs">Runs in parallel (default 1; the delegates must then be thread-safe).</param>
    /// <param name="progress">Receives a report after every run.</param>
    /// <param name="cancellation">Stops starting runs.</param>
    /// <exception cref="SpecValidationException">The spec is invalid (every problem listed with its JSON path), or the
    /// model, data, loss or a metric fail <see cref="Validate"/>.</exception>
    public (RunnerOutcome Outcome, ExperimentSummary Summary) Compare(string specJson, string? outputDirectory = null, int jobs = 1,
        IProgress<RunnerProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(specJson);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var spec = SpecParser.Parse(WithTask(specJson), EngineCatalog.Instance, new LabTaskRegistry().Register(this));
        return outputDirectory is null
            ? ExperimentPipeline.Run(spec, EngineCatalog.Instance, jobs, progress, cancellation)
            : ExperimentPipeline.Run(spec, outputDirectory, EngineCatalog.Instance, jobs, progress, cancellation);
    }

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Common();
    }

    /// <summary>The data (a SHA-256 of features and labels), the batch size, the model's parameter names and shapes and
    /// the metric names: a folder's stored runs are reused only for the same task.</summary>
    public string Fingerprint(TaskSpec task)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var set in new[] { Train, Validation })
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(set.Features.Span));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(set.Labels.ToArray().AsSpan()));
        }

        var model = Model(0);
        var architecture = string.Join(";", model.NamedParameters().Select(p => $"{p.Name}{Shape(p.Parameter.Shape)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"data={Convert.ToHexStringLower(sha.GetHashAndReset())[..16]} batch={BatchSize} model={model.GetType().Name}[{architecture}] metrics={string.Join(",", Metrics)}");
    }

    /// <summary>Checks the task before any run: non-empty data of the same sample shape and classes, a model (seed 0)
    /// whose output the loss accepts, and finite values of the loss and every metric.</summary>
    public void Validate(TaskSpec task)
    {
        if (Train.Count == 0 || Validation.Count == 0)
        {
            throw new SpecValidationException($"{Kind}: the training and validation sets must not be empty (they have {Train.Count} and {Validation.Count} samples)");
        }

        if (!Train.SampleShape.SequenceEqual(Validation.SampleShape) || Train.NumClasses != Validation.NumClasses)
        {
            throw new SpecValidationException(
                $"{Kind}: the validation samples are {Shape(Validation.SampleShape)} in {Validation.NumClasses} classes, " +
                $"the training samples {Shape(Train.SampleShape)} in {Train.NumClasses}; they must agree");
        }

        var model = Model(0);
        double loss;
        try
        {
            loss = CodeTaskRun.Evaluate(this, model, Validation).Loss;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new SpecValidationException($"{Kind}: the model (seed 0) and the loss do not fit the data: {e.Message}", e);
        }

        if (!double.IsFinite(loss))
        {
            throw new SpecValidationException($"{Kind}: the validation loss of the untrained model (seed 0) is {loss}; expected a finite number");
        }

        foreach (var (name, metric) in CustomMetrics)
        {
            double value;
            try
            {
                value = metric(model);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new SpecValidationException($"{Kind}: metric '{name}' fails on the untrained model (seed 0): {e.Message}", e);
            }

            if (double.IsInfinity(value))
            {
                throw new SpecValidationException($"{Kind}: metric '{name}' of the untrained model (seed 0) is {value}; expected a number");
            }
        }
    }

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new CodeTaskRun(this);

    private static string Shape(ReadOnlySpan<int> shape) => $"[{string.Join(", ", shape.ToArray())}]";

    private string WithTask(string specJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(specJson, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (System.Text.Json.JsonException)
        {
            return specJson; // the parser reports it with its position
        }

        if (root is JsonObject o && !o.ContainsKey("task"))
        {
            o["task"] = new JsonObject { ["kind"] = Kind };
            return o.ToJsonString();
        }

        return specJson;
    }
}
