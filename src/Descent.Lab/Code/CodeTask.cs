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

namespace Descent.Lab.Code;

/// <summary>
/// A lab task made of the caller's own model, data, loss and metrics: <see cref="Compare"/> trains it with every
/// optimizer configuration × seed of an experiment spec and returns the lab's analysis (ranking, confidence intervals,
/// verdict), like <c>descent compare</c> for a built-in task.
/// </summary>
/// <remarks>
/// <para>Each run builds its model with <see cref="Model"/> from the run's seed (so every optimizer starts from the same
/// weights for a seed), shuffles <see cref="Train"/> into mini-batches of <see cref="BatchSize"/> by the seed, and trains
/// under <see cref="Loss"/> for the spec's budget with the spec's optimizer and schedule.</para>
/// <para>Classification (the default): the datasets' labels are the targets and <see cref="Loss"/> compares the model's
/// output with them. Regression: set <see cref="TrainTargets"/> and <see cref="ValidationTargets"/> (float tensors
/// [N, k], row i the target of sample i; the datasets then only provide the features, their labels are ignored — e.g.
/// <c>new Dataset(features, new int[n], 1)</c>), and <see cref="RegressionLoss"/> (default the mean squared error)
/// compares the model's [B, k] output with the batch's target rows.</para>
/// <para>Metrics: per step <c>loss</c>; per epoch (0 = before training) <c>train_loss</c>, <c>val_loss</c> (the loss on
/// <see cref="Validation"/>), <c>val_accuracy</c> (classification) or <c>val_rmse</c> (regression: the root of the
/// mean squared error over every target value), and every entry of <see cref="CustomMetrics"/>. The main metric is
/// the spec's <c>target.metric</c>, else <c>val_accuracy</c> (classification) or <c>val_rmse</c> (regression); a metric
/// named <c>…accuracy</c> or <c>…f1</c> is maximized, others minimized, unless the target says <c>"goal"</c>.</para>
/// <para>Before the first run, <see cref="Validate"/> builds the seed-0 model and evaluates the loss and every metric
/// once, so a model that does not fit the data fails at once with the reason. A kind name <see cref="Kind"/> (default
/// <c>code</c>) is what the spec's <c>task.kind</c> may say; the spec needs no <c>task</c> section.</para>
/// </remarks>
public sealed class CodeTask : ILabTask
{
    /// <summary>The validation accuracy's metric name (classification).</summary>
    public const string AccuracyMetric = "val_accuracy";

    /// <summary>The validation root mean squared error's metric name (regression).</summary>
    public const string RmseMetric = "val_rmse";

    /// <summary>The task kind's name in the spec (default <c>code</c>).</summary>
    public string Kind { get; init; } = "code";

    /// <summary>Builds the model of the run with the given seed (seed every random initialization with it).</summary>
    public required Func<int, Module> Model { get; init; }

    /// <summary>The training set.</summary>
    public required Dataset Train { get; init; }

    /// <summary>The validation set (<c>val_loss</c>, <c>val_accuracy</c> or <c>val_rmse</c>).</summary>
    public required Dataset Validation { get; init; }

    /// <summary>Regression targets of <see cref="Train"/>, [<c>Train.Count</c>, k]; with <see cref="ValidationTargets"/>
    /// it makes the task a regression (null: classification by the datasets' labels).</summary>
    public Tensor? TrainTargets { get; init; }

    /// <summary>Regression targets of <see cref="Validation"/>, [<c>Validation.Count</c>, k].</summary>
    public Tensor? ValidationTargets { get; init; }

    /// <summary>Whether the task is a regression (<see cref="TrainTargets"/> or <see cref="ValidationTargets"/> set).</summary>
    public bool IsRegression => TrainTargets is not null || ValidationTargets is not null;

    /// <summary>Mini-batch size (≥ 1; default 32; at most the training set).</summary>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be ≥ 1");
    } = 32;

    /// <summary>The loss of a batch's outputs and labels (classification; default <see cref="CrossEntropyLoss"/>).</summary>
    public Func<Tensor, int[], Tensor> Loss { get; init; } = new CrossEntropyLoss().Forward;

    /// <summary>The loss of a batch's outputs [B, k] and target rows [B, k] (regression; default <see cref="MseLoss"/>).</summary>
    public Func<Tensor, Tensor, Tensor> RegressionLoss { get; init; } = new MseLoss().Forward;

    /// <summary>Further metrics by name, each computed from the model after every epoch (e.g. a validation F1 through
    /// <see cref="Module.PredictClasses"/> and <see cref="Training.Metrics"/>).</summary>
    public IDictionary<string, Func<Module, double>> CustomMetrics { get; } = new SortedDictionary<string, Func<Module, double>>(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys => [];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics
    {
        get
        {
            string[] builtIn = ["loss", Learner.TrainLossMetric, Learner.ValidationLossMetric, DefaultMetric];
            return [.. builtIn, .. CustomMetrics.Keys.Where(k => !builtIn.Contains(k))];
        }
    }

    /// <inheritdoc />
    public string DefaultMetric => IsRegression ? RmseMetric : AccuracyMetric;

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

        foreach (var targets in new[] { TrainTargets, ValidationTargets })
        {
            if (targets is not null)
            {
                sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(targets.Span));
            }
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

        if (IsRegression)
        {
            ValidateTargets();
        }

        var model = Model(0);
        double loss;
        try
        {
            if (IsRegression)
            {
                ValidateOutputWidth(model);
            }

            loss = CodeTaskRun.Evaluate(this, model, Validation, ValidationTargets)[0].Value;
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

    /// <summary>True: its runs train through SupervisedTraining (data-parallel when the spec's ranks is above 1).</summary>
    public bool SupportsDataParallel => true;

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new CodeTaskRun(this);

    private void ValidateTargets()
    {
        foreach (var (name, targets, set) in new[] { (nameof(TrainTargets), TrainTargets, Train), (nameof(ValidationTargets), ValidationTargets, Validation) })
        {
            if (targets is null)
            {
                throw new SpecValidationException(
                    $"{Kind}: {nameof(TrainTargets)} is {Describe(TrainTargets)} and {nameof(ValidationTargets)} {Describe(ValidationTargets)}; a regression needs both");
            }

            if (targets.Rank != 2 || targets.Dim(0) != set.Count)
            {
                throw new SpecValidationException(
                    $"{Kind}: {name} is {Shape(targets.Shape)}; expected [{set.Count}, k] (one row of targets per sample of the dataset)");
            }

            var values = targets.Span;
            for (var i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new SpecValidationException(string.Create(CultureInfo.InvariantCulture,
                        $"{Kind}: {name}[{i / targets.Dim(1)}, {i % targets.Dim(1)}] is {values[i]}; targets must be finite"));
                }
            }
        }

        if (TrainTargets!.Dim(1) != ValidationTargets!.Dim(1))
        {
            throw new SpecValidationException(
                $"{Kind}: {nameof(TrainTargets)} has {TrainTargets.Dim(1)} columns and {nameof(ValidationTargets)} {ValidationTargets.Dim(1)}; they must agree");
        }
    }

    private void ValidateOutputWidth(Module model)
    {
        var probe = Validation.Subset([0]);
        using var _ = Autodiff.Tape.NoGrad();
        model.Eval();
        var output = model.Forward(probe.Features);
        if (output.Rank != 2 || output.Dim(1) != ValidationTargets!.Dim(1))
        {
            throw new SpecValidationException(
                $"{Kind}: the model (seed 0) outputs {Shape(output.Shape)} for one sample, the targets have {ValidationTargets!.Dim(1)} columns; " +
                $"the model's output must be [batch, {ValidationTargets.Dim(1)}]");
        }
    }

    private static string Describe(Tensor? targets) => targets is null ? "not set" : Shape(targets.Shape);

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
