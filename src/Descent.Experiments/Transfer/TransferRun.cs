using Descent.Training;

namespace Descent.Experiments.Transfer;

/// <summary>One fine-tuned or from-scratch run of the transfer experiment: per-epoch metrics on the validation
/// split (<see cref="History"/>), and the final test loss and accuracy — NaN for a run that diverged
/// (<see cref="Diverged"/>), which has no result.</summary>
public sealed record TransferRun(string Optimizer, bool Pretrained, int Seed, long Steps, EpochMetrics Final, IReadOnlyList<EpochMetrics> History,
    double TestLoss, double TestAccuracy, string? Note)
{
    /// <summary>True when training stopped on a non-finite loss or weights (<see cref="Note"/> says where): its test
    /// metrics are NaN, and tables mark it instead of averaging it in.</summary>
    public bool Diverged { get; init; }
}
