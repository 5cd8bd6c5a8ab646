using System.Globalization;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// Replays one <c>adam8bit.json</c> trajectory case on an implementation (the reference transcription or the
/// library) and checks it at the golden README's tolerances: parameters after every step (rtol 1e-5 / atol 1e-6,
/// without resync), absmax after every step (rtol 1e-6), final codes exactly (the file lists no near ties; a
/// listed one would be skipped), and 32-bit moments at rtol 1e-5 / atol 1e-6.
/// </summary>
public static class TrajectoryReplay
{
    /// <summary>Runs the case on <paramref name="implementation"/>; returns a one-line summary of the budgets used.</summary>
    public static string Check(Adam8bitGolden.TrajectoryCase c, IImplementation implementation)
    {
        Assert.Equal(0, c.NearTies);
        var tol = new Closeness(1e-5, 1e-6);
        var absTol = new Closeness(1e-6, 0);
        for (var s = 0; s < c.Grads.Length; s++)
        {
            implementation.Step(c.Grads[s]);
            for (var k = 0; k < c.Shapes.Length; k++)
            {
                tol.Check(implementation.Parameter(k), Doubles(c.Params[s][k]), $"{c.Name} step {s} param {k}");
                if (c.Absmax1[s][k] is { } a1)
                {
                    var (m, v) = implementation.Absmax(k);
                    absTol.Check(m, Doubles(a1), $"{c.Name} step {s} param {k} absmax1");
                    absTol.Check(v, Doubles(c.Absmax2[s][k]), $"{c.Name} step {s} param {k} absmax2");
                }
            }
        }

        for (var k = 0; k < c.Shapes.Length; k++)
        {
            var expected = c.Final[k];
            var (step, s1, s2) = implementation.Final(k);
            Assert.Equal(expected.Step, step);
            if (c.StateBits[k] == 8)
            {
                AssertCodes(expected.State1, s1, $"{c.Name} param {k} state1");
                AssertCodes(expected.State2, s2, $"{c.Name} param {k} state2");
            }
            else
            {
                tol.Check(s1, Doubles(expected.State1), $"{c.Name} param {k} state1 (m)");
                tol.Check(s2, Doubles(expected.State2), $"{c.Name} param {k} state2 (v)");
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Name}: parameters used {tol.MaxBudgetUsed:P1} of the budget (worst {tol.Worst}), absmax {absTol.MaxBudgetUsed:P1}");
    }

    private static void AssertCodes(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var wrong = Enumerable.Range(0, expected.Length).Where(i => expected[i] != actual[i]).ToList();
        Assert.True(wrong.Count == 0,
            $"{what}: {wrong.Count} codes differ, first at {(wrong.Count > 0 ? wrong[0] : -1)}: " +
            (wrong.Count > 0 ? $"expected {expected[wrong[0]]}, got {actual[wrong[0]]}" : string.Empty));
    }

    private static double[] Doubles(float[] x) => [.. x.Select(v => (double)v)];

    /// <summary>An implementation under test, stepping all parameters of a case at once.</summary>
    public interface IImplementation
    {
        /// <summary>One step with gradients per parameter.</summary>
        void Step(float[][] grads);

        /// <summary>Parameter k's values now.</summary>
        float[] Parameter(int k);

        /// <summary>Parameter k's absmax of m and v now (8-bit parameters).</summary>
        (float[] ExpAvg, float[] ExpAvgSq) Absmax(int k);

        /// <summary>Parameter k's step count and state1/state2 now: codes as floats (8-bit) or m, v (32-bit).</summary>
        (long Step, float[] State1, float[] State2) Final(int k);
    }
}
