namespace Descent.Lab.Analysis;

/// <summary>The result of Welch's t-test of mean(a) − mean(b).</summary>
/// <param name="Difference">mean(a) − mean(b).</param>
/// <param name="T">The t statistic.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom.</param>
/// <param name="P">Two-sided p-value.</param>
/// <param name="HalfWidth95">Half-width of the 95% confidence interval of the difference.</param>
public sealed record WelchResult(double Difference, double T, double DegreesOfFreedom, double P, double HalfWidth95);
