namespace Descent.Lab.Analysis;

/// <summary>
/// Two optimizers' best configurations compared: difference of final means (A − B) with Welch's t-test,
/// and steps to target.
/// </summary>
/// <param name="A">Label of the first (better-ranked) optimizer.</param>
/// <param name="B">Label of the second.</param>
/// <param name="ConfigurationA">Configuration index of A's best.</param>
/// <param name="ConfigurationB">Configuration index of B's best.</param>
/// <param name="Difference">mean_A − mean_B of the final metric (null if either side has no values).</param>
/// <param name="HalfWidth95">95% confidence half-width of the difference (Welch).</param>
/// <param name="T">Welch's t.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom.</param>
/// <param name="P">Two-sided p-value (null with fewer than two values on a side).</param>
/// <param name="Significant">p &lt; 0.05.</param>
/// <param name="MedianStepsA">A's median steps to target (null = never or no target).</param>
/// <param name="MedianStepsB">B's median steps to target.</param>
/// <param name="SpeedupAOverB">MedianStepsB / MedianStepsA when both reached it.</param>
/// <param name="Test">How the difference was judged: <see cref="Welch"/>, <see cref="Deterministic"/> (every seed gave
/// the same final value on both sides: the difference is exact and no test applies) or <see cref="TooFewValues"/>
/// (fewer than two non-diverged runs on a side).</param>
public sealed record Comparison(
    string A,
    string B,
    int ConfigurationA,
    int ConfigurationB,
    double? Difference,
    double? HalfWidth95,
    double? T,
    double? DegreesOfFreedom,
    double? P,
    bool Significant,
    double? MedianStepsA,
    double? MedianStepsB,
    double? SpeedupAOverB,
    string Test = Comparison.Welch)
{
    /// <summary><see cref="Test"/>: Welch's t-test.</summary>
    public const string Welch = "welch";

    /// <summary><see cref="Test"/>: no test, the seeds do not vary the results.</summary>
    public const string Deterministic = "deterministic";

    /// <summary><see cref="Test"/>: no test, fewer than two values on a side.</summary>
    public const string TooFewValues = "too few values";
}
