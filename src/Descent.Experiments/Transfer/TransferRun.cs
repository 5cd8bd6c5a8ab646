using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>One fine-tuned or from-scratch run of the transfer experiment: per-epoch metrics on the validation
/// split (<see cref="History"/>), and the final test loss and accuracy.</summary>
public sealed record TransferRun(string Optimizer, bool Pretrained, int Seed, long Steps, EpochMetrics Final, IReadOnlyList<EpochMetrics> History,
    double TestLoss, double TestAccuracy, string? Note);
