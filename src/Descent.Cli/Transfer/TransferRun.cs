using Descent.Training;

namespace Descent.Cli.Transfer;

/// <summary>One fine-tuned or from-scratch run of the transfer experiment.</summary>
public sealed record TransferRun(string Optimizer, bool Pretrained, long Steps, EpochMetrics Final, IReadOnlyList<EpochMetrics> History, string? Note);
