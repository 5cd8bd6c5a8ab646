using System.Globalization;

namespace Descent.Tests.Infrastructure;

/// <summary>
/// numpy-style closeness (|actual − expected| ≤ atol + rtol·|expected|) that also records how much of the
/// budget the worst element used, so tests can report it.
/// </summary>
public sealed class Closeness(double rtol, double atol)
{
    public double Rtol { get; } = rtol;

    public double Atol { get; } = atol;

    /// <summary>The largest |actual − expected| / (atol + rtol·|expected|) seen so far (1 = at the limit).</summary>
    public double MaxBudgetUsed { get; private set; }

    /// <summary>Where <see cref="MaxBudgetUsed"/> was seen.</summary>
    public string? Worst { get; private set; }

    /// <summary>Asserts closeness of every element; <paramref name="what"/> names the values in failures.</summary>
    public void Check(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what)
    {
        Assert.True(actual.Length == expected.Length,
            $"{what}: {actual.Length} values, expected {expected.Length}");
        for (var i = 0; i < actual.Length; i++)
        {
            Check(actual[i], expected[i], $"{what}[{i}]");
        }
    }

    /// <summary>Asserts closeness of one value.</summary>
    public void Check(double actual, double expected, string what)
    {
        var bound = Atol + (Rtol * Math.Abs(expected));
        var err = Math.Abs(actual - expected);
        var used = bound > 0 ? err / bound : (err == 0 ? 0 : double.PositiveInfinity);
        if (double.IsNaN(actual) || double.IsNaN(expected))
        {
            used = double.IsNaN(actual) && double.IsNaN(expected) ? 0 : double.PositiveInfinity;
        }

        if (used > MaxBudgetUsed)
        {
            MaxBudgetUsed = used;
            Worst = what;
        }

        if (!(used <= 1))
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: got {actual:R}, expected {expected:R} (|diff| {err:R} > {bound:R} = atol {Atol} + rtol {Rtol}·|expected|)"));
        }
    }
}
