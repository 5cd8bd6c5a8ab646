namespace Descent.Training;

/// <summary>The metrics of one training epoch (1-based <see cref="Epoch"/>).</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches (weighted by batch size).</param>
/// <param name="TrainAccuracy">Fraction of training samples classified correctly during the epoch.</param>
/// <param name="ValidationLoss">Mean cross-entropy on the validation set after the epoch, or null.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set after the epoch, or null.</param>
/// <param name="Seconds">Wall time of the epoch (training and evaluation).</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy,
    double Seconds, double SamplesPerSecond);
