namespace Descent.Lab.Analysis;

/// <summary>Wall-clock results of one configuration.</summary>
/// <param name="Index">Configuration index.</param>
/// <param name="Label">Optimizer label.</param>
/// <param name="Description">Hyperparameters as text.</param>
/// <param name="MeanSecondsPerRun">Mean wall time of a run.</param>
/// <param name="MeanSecondsPerStep">Mean wall time per optimizer step (including evaluation).</param>
/// <param name="MedianSecondsToTarget">Median seconds to target with misses as +∞ (null = never).</param>
/// <param name="SecondsToTarget">Per seed, null for a miss.</param>
/// <param name="PeakWorkingSetBytes">The largest peak working set of the process during one of its runs
/// (<see cref="Runs.RunResources.PeakWorkingSetBytes"/>; machine- and schedule-dependent, hence here and not in the
/// summary), or null when no run recorded it.</param>
public sealed record ConfigurationTiming(
    int Index,
    string Label,
    string Description,
    double MeanSecondsPerRun,
    double MeanSecondsPerStep,
    double? MedianSecondsToTarget,
    IReadOnlyList<double?> SecondsToTarget,
    long? PeakWorkingSetBytes);
