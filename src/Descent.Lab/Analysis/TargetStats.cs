namespace Descent.Lab.Analysis;

/// <summary>Steps to target over seeds. A miss (target never reached, or diverged) counts as never (+∞).</summary>
/// <param name="Reached">Runs that reached the target.</param>
/// <param name="Runs">Runs.</param>
/// <param name="MedianSteps">Median steps with misses as +∞ (null = "never": half or more missed).</param>
/// <param name="PerSeed">Steps per seed, null for a miss.</param>
public sealed record TargetStats(int Reached, int Runs, double? MedianSteps, IReadOnlyList<int?> PerSeed);
