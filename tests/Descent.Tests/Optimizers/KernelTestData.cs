namespace Descent.Tests.Optimizers;

/// <summary>Inputs for kernel parity tests: seeded normals with NaN, ±Inf, ±0 and denormals sprinkled in.</summary>
public static class KernelTestData
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -3e-39f];

    public static float[] Values(int n, int seed, bool specials = true, float scale = 1f, bool positive = false)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            var x = (float)((rng.NextDouble() * 2) - 1) * scale;
            a[i] = positive ? MathF.Abs(x) + 1e-3f : x;
        }

        if (specials)
        {
            for (var i = 0; i < n; i += 7)
            {
                var s = Specials[(i / 7) % Specials.Length];
                a[i] = positive ? MathF.Abs(s) : s;
            }
        }

        return a;
    }

    /// <summary>Bitwise equality, all NaNs equal.</summary>
    public static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            var same = (float.IsNaN(e) && float.IsNaN(a)) || BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a);
            Assert.True(same, $"{what} [{i}] of {expected.Length}: reference {e:R}, vector {a:R}");
        }
    }

    /// <summary>|a − e| ≤ atol + rtol·|e|, or both NaN, or equal infinities.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            var ok = (double.IsNaN(e) && double.IsNaN(a)) || e == a || Math.Abs(a - e) <= atol + (rtol * Math.Abs(e));
            Assert.True(ok, $"{what} [{i}] of {expected.Length}: expected {e:R}, got {a:R}");
        }
    }

    public static IEnumerable<int> Lengths()
    {
        for (var n = 0; n <= 257; n++)
        {
            yield return n;
        }
    }
}
