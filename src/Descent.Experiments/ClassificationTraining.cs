using Descent.Autodiff;
using Descent.Lab.Runs;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Training;

namespace Descent.Experiments;

/// <summary>
/// The training loop of the image classification tasks (<see cref="Digits.DigitsMlpTask"/>,
/// <see cref="Transfer.FashionTransferTask"/>): <see cref="SupervisedTraining"/> with the cross-entropy loss on the
/// batches' labels, recording <c>val_loss</c> and <c>val_accuracy</c> per epoch.
/// </summary>
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
        Action<Batch>? afterBackward = null) =>
        SupervisedTraining.Run(context, model, loader, b => b.Labels, new CrossEntropyLoss().Forward, initialTrainLoss,
            () =>
            {
                var (loss, accuracy) = evaluate();
                return [new(Learner.ValidationLossMetric, loss), new("val_accuracy", accuracy)];
            },
            workspace, penalty, afterBackward);
}
