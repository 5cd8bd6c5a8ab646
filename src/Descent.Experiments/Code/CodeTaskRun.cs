using Descent.Lab.Runs;
using Descent.Nn;
using Descent.Training;

namespace Descent.Experiments.Code;

/// <summary>The runs of a <see cref="CodeTask"/>: its model per seed trained by <see cref="SupervisedTraining"/>.</summary>
internal sealed class CodeTaskRun : LabTask
{
    private readonly CodeTask task;

    public CodeTaskRun(CodeTask task) => this.task = task;

    /// <summary>The task's loss and accuracy of <paramref name="model"/> on <paramref name="set"/>.</summary>
    public static (double Loss, double Accuracy) Evaluate(CodeTask task, Module model, Dataset set)
        => Trainer.Evaluate(model, set, loss: task.Loss);

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = task.Model(context.Seed);
        var loader = new DataLoader(task.Train, Math.Min(task.BatchSize, task.Train.Count), shuffle: true, seed: (ulong)context.Seed);
        return SupervisedTraining.Run(context, model, loader, b => b.Labels, task.Loss, Evaluate(task, model, task.Train).Loss, () =>
        {
            var (loss, accuracy) = Evaluate(task, model, task.Validation);
            List<KeyValuePair<string, double>> metrics = [new(Learner.ValidationLossMetric, loss), new("val_accuracy", accuracy)];
            metrics.AddRange(task.CustomMetrics.Select(m => new KeyValuePair<string, double>(m.Key, m.Value(model))));
            return metrics;
        });
    }
}
