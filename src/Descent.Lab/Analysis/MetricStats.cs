namespace Descent.Lab.Analysis;

/// <summary>A metric over seeds: mean, sample standard deviation, 95% percentile-bootstrap interval of the
/// mean, the count, and the per-seed values (null where the run diverged).</summary>
/// <param name="Mean">Mean over the runs that did not diverge (null when all diverged).</param>
/// <param name="Std">Sample standard deviation (n − 1).</param>
/// <param name="Ci95Low">Lower end of the bootstrap interval.</param>
/// <param name="Ci95High">Upper end of the bootstrap interval.</param>
/// <param name="N">Number of values (runs that did not diverge).</param>
/// <param name="Values">Per seed, in spec seed order; null for a diverged or missing run.</param>
public sealed record MetricStats(double? Mean, double? Std, double? Ci95Low, double? Ci95High, int N, IReadOnlyList<double?> Values);
