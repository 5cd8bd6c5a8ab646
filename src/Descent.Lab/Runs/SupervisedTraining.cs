using System.Globalization;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Training;

namespace Descent.Lab.Runs;

/// <summary>
/// The training loop of supervised lab tasks (the built-in classification, <c>csv</c> and <c>idx</c> tasks, and
/// <see cref="Code.CodeTask"/>), for a task author's <see cref="LabTask.Run"/>: the configured optimizer over all of the model's
/// parameters and its schedule, any loss on mini-batches of <c>loader</c> for the run's budget (epochs, or steps
/// rounded up to whole epochs for the epoch count), and the metrics the tasks document.
/// </summary>
/// <remarks>
/// Metrics: per step <c>loss</c> (mini-batch loss before the update, plus <c>penalty</c> when given); per epoch
/// (0 = before training) <c>train_loss</c> (mean step loss of the epoch; at epoch 0 <c>initialTrainLoss</c>) and the
/// validation metrics from <c>evaluate</c>, of which the first is the validation loss. A non-finite step loss or
/// validation loss ends the run as diverged. The model is put in training mode at the start of every epoch
/// (evaluation may switch it to evaluation mode).
/// <para>Data parallel (<see cref="RunContext.DataParallel"/>, one rank of N): every rank enumerates the same global batches,
/// trains on its shard of each (<see cref="Batch.Shard"/>, weighted by its sample count) and adds the callback to the learner,
/// which averages the gradients across the ranks; <c>penalty</c> and <c>afterBackward</c> see the global batch (so a penalty
/// scaled by the batch size is the one-process penalty) and run on the averaged gradients; <c>loss</c> and <c>train_loss</c>
/// are recorded from the global batch's loss, and the divergence check uses it, so every rank records the same values and
/// stops at the same step. The result equals one process's to rounding.</para>
/// </remarks>
public static class SupervisedTraining
{
    /// <summary>Trains <paramref name="model"/> and records the run.</summary>
    /// <typeparam name="TTarget">What the loss compares the model's output with (class labels, a target tensor).</typeparam>
    /// <param name="context">The run.</param>
    /// <param name="model">The model.</param>
    /// <param name="loader">The shuffled training batches.</param>
    /// <param name="target">The target of a batch.</param>
    /// <param name="loss">The loss of the model's output and the target (a scalar tensor).</param>
    /// <param name="initialTrainLoss">Epoch 0's <c>train_loss</c>, computed by the task before training.</param>
    /// <param name="evaluate">The validation metrics of the current model, by name; the first is the validation loss
    /// (<see cref="Learner.ValidationLossMetric"/>).</param>
    /// <param name="workspace">When given, every step runs in a scope of it (intermediates recycled).</param>
    /// <param name="penalty">Added to each step's loss (in double precision) when given.</param>
    /// <param name="afterBackward">Called after the backward pass and before the optimizer step when given
    /// (e.g. to add a penalty's gradient).</param>
    public static RunResult Run<TTarget>(
        RunContext context,
        Module model,
        DataLoader loader,
        Func<Batch, TTarget> target,
        Func<Tensor, TTarget, Tensor> loss,
        double initialTrainLoss,
        Func<IReadOnlyList<KeyValuePair<string, double>>> evaluate,
        Workspace? workspace = null,
        Func<Batch, double>? penalty = null,
        Action<Batch>? afterBackward = null)
    {
        var epochs = context.Spec.Budget.Epochs;
        var totalSteps = epochs is { } e ? e * loader.BatchCount : context.Spec.Budget.Steps!.Value;
        epochs ??= (totalSteps + loader.BatchCount - 1) / loader.BatchCount;
        var optimizer = context.CreateOptimizer(model.NamedParameters().ToList());
        var rec = new RunRecorder(context);
        var label = $"{context.Run.Configuration.Label} ({context.Run.Configuration.Description})";
        rec.Epoch(Learner.TrainLossMetric, 0, 0, initialTrainLoss);
        foreach (var (name, value) in evaluate())
        {
            rec.Epoch(name, 0, 0, value);
        }

        // The penalty and its gradient need the DataLoader's (global) batch (its sample count), not only (inputs, target);
        // the model trains on this rank's shard of it.
        Batch? current = null;
        Batch? local = null;
        var parallel = context.DataParallel;
        var (rank, ranks) = context.Parallel is { } p ? (p.Rank, p.Ranks) : (0, 1);
        var callbacks = new List<LearnerCallback>();
        if (penalty is not null)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l => l.Loss += penalty(current!)));
        }

        double epochLoss = 0;
        var epochBatches = 0;
        if (parallel is null)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l => rec.Step("loss", (int)l.Step, l.Loss)));
            callbacks.Add(new DivergenceDetection());
        }
        else
        {
            // The loss is the global batch's after the callback's all-reduce (AfterBackward): record and check it there.
            // train_loss is the mean of the epoch's global batch losses, as one process's learner computes it.
            callbacks.Add(parallel);
            callbacks.Add(new ActionCallback(LearnerEvent.AfterBackward, l => rec.Step("loss", (int)l.Step, l.Loss)));
            callbacks.Add(new DivergenceDetection { LossEvent = LearnerEvent.AfterBackward });
            callbacks.Add(new ActionCallback(LearnerEvent.BeforeEpoch, _ => (epochLoss, epochBatches) = (0, 0)));
            callbacks.Add(new ActionCallback(LearnerEvent.AfterBatch, l =>
            {
                epochLoss += l.Loss;
                epochBatches++;
            }));
        }

        if (afterBackward is not null)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.AfterBackward, _ => afterBackward(current!)));
        }

        string[] names = [];
        string? divergedByEpoch = null;
        callbacks.Add(new ActionCallback(LearnerEvent.AfterEpoch, l =>
        {
            var epoch = l.Epoch + 1;
            rec.Epoch(Learner.TrainLossMetric, epoch, (int)l.Step, parallel is null ? l.Metrics[Learner.TrainLossMetric] : epochLoss / epochBatches);
            foreach (var name in names)
            {
                rec.Epoch(name, epoch, (int)l.Step, l.Metrics[name]);
            }

            var vl = l.Metrics[names[0]];
            if (!double.IsFinite(vl))
            {
                divergedByEpoch = string.Create(CultureInfo.InvariantCulture, $"{label} diverged by epoch {epoch}: validation loss = {vl}");
                l.Stop();
            }
        }));
        var learner = new Learner<Batch, TTarget>(model, optimizer, b => model.Forward(b.Inputs), loss, new LearnerOptions { MaxSteps = totalSteps })
        {
            // A rank's gradient is weighted by its shard's share of the global batch (the shards differ by up to one sample).
            SampleCount = parallel is null ? null : _ => local!.Count,
            Scheduler = context.CreateSchedule(optimizer, totalSteps),
            Workspace = workspace,
            Cancellation = context.Cancellation,
            Evaluation = metrics =>
            {
                var values = evaluate();
                names = [.. values.Select(v => v.Key)];
                foreach (var (name, value) in values)
                {
                    metrics[name] = value;
                }
            },
            Callbacks = callbacks,
        };
        try
        {
            learner.Fit(epochs.Value, epoch => loader.Batches(epoch).Select(b =>
            {
                current = b;
                local = ranks > 1 ? b.Shard(rank, ranks) : b;
                return (local, target(local));
            }), loader.BatchCount);
        }
        catch (TrainingDivergedException d)
        {
            return rec.Diverged((int)d.Step, string.Create(CultureInfo.InvariantCulture,
                $"{label} diverged at step {d.Step} (epoch {d.Epoch + 1}): loss = {d.Loss}"));
        }

        return divergedByEpoch is null ? rec.Completed((int)learner.Step) : rec.Diverged((int)learner.Step, divergedByEpoch);
    }
}
