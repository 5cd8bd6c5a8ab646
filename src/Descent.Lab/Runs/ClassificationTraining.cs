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
        var schedule = context.CreateSchedule(optimizer, totalSteps);
        var ce = new CrossEntropyLoss();
        var rec = new RunRecorder();
        var label = $"{context.Run.Configuration.Label} ({context.Run.Configuration.Description})";
        var step = 0;
        rec.Epoch("train_loss", 0, 0, initialTrainLoss);
        var (vl0, va0) = evaluate();
        rec.Epoch("val_loss", 0, 0, vl0);
        rec.Epoch("val_accuracy", 0, 0, va0);
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            model.Train();
            var sum = 0.0;
            var count = 0;
            foreach (var b in loader.Batches(epoch - 1))
            {
                if (step == totalSteps)
                {
                    break;
                }

                context.Cancellation.ThrowIfCancellationRequested();

                // default(Workspace.Scope) disposes to nothing.
                using var scope = workspace is null ? default : workspace.Begin();
                optimizer.ZeroGrad();
                var loss = ce.Forward(model.Forward(b.Inputs), b.Labels);
                var value = penalty is null ? loss.Item() : loss.Item() + penalty(b);
                rec.Step("loss", step, value);
                if (!double.IsFinite(value))
                {
                    return rec.Diverged(step, string.Create(CultureInfo.InvariantCulture, $"{label} diverged at step {step} (epoch {epoch}): loss = {value}"));
                }

                loss.Backward();
                afterBackward?.Invoke(b);
                optimizer.Step();
                schedule?.Step();
                step++;
                sum += value;
                count++;
            }

            var (vl, va) = evaluate();
            rec.Epoch("train_loss", epoch, step, count == 0 ? double.NaN : sum / count);
            rec.Epoch("val_loss", epoch, step, vl);
            rec.Epoch("val_accuracy", epoch, step, va);
            if (!double.IsFinite(vl))
            {
                return rec.Diverged(step, string.Create(CultureInfo.InvariantCulture, $"{label} diverged by epoch {epoch}: validation loss = {vl}"));
            }
        }

        return rec.Completed(step);
    }
}
