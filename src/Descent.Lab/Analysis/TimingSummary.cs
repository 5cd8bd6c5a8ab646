namespace Descent.Lab.Analysis;

/// <summary>Wall-clock results (<c>timing.json</c>): they vary from run to run, so they are kept out of
/// <c>summary.json</c>.</summary>
/// <param name="Configurations">Per configuration.</param>
public sealed record TimingSummary(IReadOnlyList<ConfigurationTiming> Configurations);
