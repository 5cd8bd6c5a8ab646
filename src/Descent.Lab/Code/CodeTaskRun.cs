using Descent.Autodiff;
using Descent.Lab.Runs;
using Descent.Nn;
using Descent.Training;

namespace Descent.Lab.Code;

/// <summary>The runs of a <see cref="CodeTask"/>: its model per seed trained by <see cref="SupervisedTraining"/>.</summary>
internal sealed class CodeTaskRun : LabTask
{
    private const int EvaluationBatch = 256;

    private readonly CodeTask task;

    public CodeTaskRun(CodeTask task) => this.task = task;

    /// <summary>The task's loss of <paramref name="model"/> on <paramref name="set"/> (first, as <c>val_loss</c>), and its
    /// accuracy (classification) or root mean squared error against <paramref name="targets"/> (regression).</summary>
    public static KeyValuePair<string, double>[] Evaluate(CodeTask task, Module model, Dataset set, Tensor? targets)
    {
        if (!task.IsRegression)
        {
            var (loss, accuracy) = Trainer.Evaluate(model, set, loss: task.Loss);
            return [new(Learner.ValidationLossMetric, loss), new(CodeTask.AccuracyMetric, accuracy)];
        }

        model.Eval();
        double lossSum = 0, squaredErrors = 0;
        using (Tape.NoGrad())
        {
            foreach (var batch in new DataLoader(set, EvaluationBatch).Batches(0))
            {
                var expected = Rows(targets!, batch.Indices);
                var output = model.Forward(batch.Inputs);
                lossSum += task.RegressionLoss(output, expected).Item() * batch.Count;
                var o = output.Span;
                var t = expected.Span;
                for (var i = 0; i < t.Length; i++)
                {
                    var d = (double)o[i] - t[i];
                    squaredErrors += d * d;
                }
            }
        }

        return [new(Learner.ValidationLossMetric, lossSum / set.Count), new(CodeTask.RmseMetric, Math.Sqrt(squaredErrors / targets!.Length))];
    }

    /// <inheritdoc />
    public override RunResult Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = task.Model(context.Seed);
        var loader = new DataLoader(task.Train, Math.Min(task.BatchSize, task.Train.Count), shuffle: true, seed: (ulong)context.Seed);
        var initialTrainLoss = Evaluate(task, model, task.Train, task.TrainTargets)[0].Value;
        return task.IsRegression
            ? SupervisedTraining.Run(context, model, loader, b => Rows(task.TrainTargets!, b.Indices), task.RegressionLoss, initialTrainLoss, Validate(model))
            : SupervisedTraining.Run(context, model, loader, b => b.Labels, task.Loss, initialTrainLoss, Validate(model));
    }

    /// <summary>The rows <paramref name="indices"/> of the [N, k] <paramref name="targets"/>, as a [indices, k] tensor.</summary>
    private static Tensor Rows(Tensor targets, int[] indices)
    {
        var width = targets.Dim(1);
        var rows = new Tensor(indices.Length, width);
        for (var i = 0; i < indices.Length; i++)
        {
            targets.Span.Slice(indices[i] * width, width).CopyTo(rows.Span.Slice(i * width, width));
        }

        return rows;
    }

    private Func<IReadOnlyList<KeyValuePair<string, double>>> Validate(Module model) => () =>
    {
        List<KeyValuePair<string, double>> metrics = [.. Evaluate(task, model, task.Validation, task.ValidationTargets)];
        metrics.AddRange(task.CustomMetrics.Select(m => new KeyValuePair<string, double>(m.Key, m.Value(model))));
        return metrics;
    };
}
