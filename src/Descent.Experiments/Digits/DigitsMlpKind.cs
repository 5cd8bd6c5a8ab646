using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Experiments.Digits;

/// <summary>The <c>digits-mlp</c> lab task: a ReLU MLP classifying the 8×8 digits (cross-entropy; validation accuracy;
/// <see cref="DigitsMlpTask"/>).</summary>
public sealed class DigitsMlpKind : ILabTask
{
    /// <summary>Training rows of the built-in split, read once (the estimate is asked for per spec and per configuration).</summary>
    private static readonly Lazy<long> BuiltInTrainCount = new(() => DigitsMlpTask.Load(null).Train.Count);

    /// <inheritdoc />
    public string Kind => TaskKinds.DigitsMlp;

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys { get; } = [TaskKeys.Hidden, TaskKeys.BatchSize, TaskKeys.L2, TaskKeys.Data, TaskKeys.Samples];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = ["loss", "train_loss", "val_loss", "val_accuracy"];

    /// <inheritdoc />
    public string DefaultMetric => "val_accuracy";

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Common(hidden: [64]);
    }

    /// <summary>Reads the CSV pair of <c>$.task.data</c> (both files must exist and parse as digits) before any run.</summary>
    public void Validate(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Data is { } data)
        {
            TaskInputs.Check("$.task.data", () => DigitsMlpTask.Load(data));
        }
    }

    /// <summary>The MLP's weights and biases (64 → hidden… → 10), and its activations: every layer's output, its ReLU and
    /// their gradients (4 float32 values per unit) for the larger of a mini-batch and an evaluation pass over the built-in
    /// digits (<see cref="DigitsMlpTask.EvaluationRows"/> rows).</summary>
    public MemoryFootprint? Footprint(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var batch = task.BatchSize ?? DigitsMlpTask.DefaultBatchSize;
        var train = task.Data is null ? BuiltInTrainCount.Value : (long?)null;
        return MemoryFootprint.Mlp(64, task.Hidden.Append(10), Math.Max(batch, DigitsMlpTask.EvaluationRows)) with
        {
            SamplesPerStep = train is { } n ? Math.Min(batch, n) : batch,
            SamplesPerEpoch = train,
        };
    }

    /// <summary>True: its runs train through SupervisedTraining (data-parallel when the spec's ranks is above 1).</summary>
    public bool SupportsDataParallel => true;

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new DigitsMlpTask(task);
}
