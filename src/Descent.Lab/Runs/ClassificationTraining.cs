using System.Globalization;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Training;

namespace Descent.Lab.Runs;

/// <summary>
/// The training loop shared by the classification tasks (<see cref="DigitsMlpTask"/>,
/// <see cref="FashionTransferTask"/>): the configured optimizer over all of the model's parameters and its
/// schedule, the cross-entropy loss on mini-batches of <c>loader</c> for the run's budget (epochs, or steps
/// rounded up to whole epochs for the epoch count), and the metrics both tasks document.
/// </summary>
/// <remarks>
/// Metrics: per step <c>loss</c> (mini-batch loss before the update, plus <c>penalty</c> when given); per epoch
/// (0 = before training) <c>train_loss</c> (mean step loss of the epoch; at epoch 0 <c>initialTrainLoss</c>),
/// <c>val_loss</c> and <c>val_accuracy</c> from <c>evaluate</c>. A non-finite step loss or validation loss ends
/// the run as diverged. The model is put in training mode at the start of every epoch (evaluation may switch
/// it to evaluation mode).
/// </remarks>
internal static class ClassificationTraining
{
    /// <summary>Trains <paramref name="model"/> and records the run.</summary>
    /// <param name="context">The run.</param>
    /// <param name="model">The classifier (logits).</param>
    /// <param name="loader">The shuffled training batches.</param>
    /// <param name="initialTrainLoss">Epoch 0's <c>train_loss</c>, computed by the task before training.</param>
    /// <param name="evaluate">Validation loss and accuracy of the current model.</param>
    /// <param name="workspace">When given, every step runs in a scope of it (intermediates recycled).</param>
    /// <param name="penalty">Added to each step's loss (in double precision) when given.</param>
    /// <param name="afterBackward">Called after the backward pass and before the optimizer step when given
    /// (e.g. to add a penalty's gradient).</param>
    public static RunResult Run(
        RunContext context,
        Module model,
        DataLoader loader,
        double initialTrainLoss,
        Func<(double Loss, double Accuracy)> evaluate,
        Workspace? workspace = null,
        Func<Batch, double>? penalty = null,
        Action<Batch>? afterBackward = null)
    {
        var epochs = context.Spec.Budget.Epochs;
        var totalSteps = epochs is { } e ? e * loader.BatchCount : context.Spec.Budget.Steps!.Value;
        epochs ??= (totalSteps + loader.BatchCount - 1) / loader.BatchCount;
        var optimizer = context.CreateOptimizer(model.Parameters().ToList());
        var rec = new RunRecorder();
        var label = $"{context.Run.Configuration.Label} ({context.Run.Configuration.Description})";
        rec.Epoch("train_loss", 0, 0, initialTrainLoss);
        var (vl0, va0) = evaluate();
        rec.Epoch("val_loss", 0, 0, vl0);
        rec.Epoch("val_accuracy", 0, 0, va0);

        // The penalty and its gradient need the DataLoader's batch (its sample count), not only (inputs, labels).
        Batch? current = null;
        var callbacks = new List<LearnerCallback>();
        if (penalty is not null)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l => l.Loss += penalty(current!)));
        }

        callbacks.Add(new ActionCallback(LearnerEvent.AfterLoss, l => rec.Step("loss", (int)l.Step, l.Loss)));
        callbacks.Add(new DivergenceDetection());
        if (afterBackward is not null)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.AfterBackward, _ => afterBackward(current!)));
        }

        string? divergedByEpoch = null;
        callbacks.Add(new ActionCallback(LearnerEvent.AfterEpoch, l =>
        {
            var epoch = l.Epoch + 1;
            var vl = l.Metrics[Learner.ValidationLossMetric];
            rec.Epoch("train_loss", epoch, (int)l.Step, l.Metrics[Learner.TrainLossMetric]);
            rec.Epoch("val_loss", epoch, (int)l.Step, vl);
            rec.Epoch("val_accuracy", epoch, (int)l.Step, l.Metrics["val_accuracy"]);
            if (!double.IsFinite(vl))
            {
                divergedByEpoch = string.Create(CultureInfo.InvariantCulture, $"{label} diverged by epoch {epoch}: validation loss = {vl}");
                l.Stop();
            }
        }));
        var learner = new Learner<Batch, int[]>(model, optimizer, b => model.Forward(b.Inputs), new CrossEntropyLoss().Forward,
            new LearnerOptions { MaxSteps = totalSteps })
        {
            Scheduler = context.CreateSchedule(optimizer, totalSteps),
            Workspace = workspace,
            Cancellation = context.Cancellation,
            Evaluation = metrics =>
            {
                var (vl, va) = evaluate();
                metrics[Learner.ValidationLossMetric] = vl;
                metrics["val_accuracy"] = va;
            },
            Callbacks = callbacks,
        };
        try
        {
            learner.Fit(epochs.Value, epoch => loader.Batches(epoch).Select(b => (current = b, b.Labels)), loader.BatchCount);
        }
        catch (TrainingDivergedException d)
        {
            return rec.Diverged((int)d.Step, string.Create(CultureInfo.InvariantCulture,
                $"{label} diverged at step {d.Step} (epoch {d.Epoch + 1}): loss = {d.Loss}"));
        }

        return divergedByEpoch is null ? rec.Completed((int)learner.Step) : rec.Diverged((int)learner.Step, divergedByEpoch);
    }
}
