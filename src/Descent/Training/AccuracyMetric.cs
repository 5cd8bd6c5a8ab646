namespace Descent.Training;

/// <summary>The fraction of a classifier's training samples whose highest logit is their label, per epoch, as the metric
/// <see cref="Name"/> (targets are class labels, <c>int[]</c>; predictions are logits [batch, classes]).</summary>
public sealed class AccuracyMetric : LearnerCallback
{
    private long correct;

    /// <summary>The metric's name (default <c>train_accuracy</c>).</summary>
    public string Name { get; init; } = "train_accuracy";

    /// <summary>How many rows of <paramref name="logits"/> [n, classes] have their highest value (the first one on ties,
    /// <see cref="Tensor.ArgMax"/>) at their label.</summary>
    public static int CountCorrect(Tensor logits, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var predicted = logits.ArgMax();
        var count = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            count += predicted[i] == labels[i] ? 1 : 0;
        }

        return count;
    }

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        switch (e)
        {
            case LearnerEvent.BeforeEpoch:
                correct = 0;
                break;
            case LearnerEvent.AfterBatch when learner.Prediction is { } logits && learner.CurrentTarget is int[] labels:
                correct += CountCorrect(logits, labels);
                learner.Metrics[Name] = (double)correct / learner.EpochSamples;
                break;
        }
    }
}
