namespace Descent.Lab.Analysis;

/// <summary>
/// The statistics of the lab, written out so that every number in a summary can be checked by hand:
/// mean, sample standard deviation, percentile bootstrap confidence intervals, Welch's t-test and
/// Student's t distribution.
/// </summary>
public static class Statistics
{
    /// <summary>Number of bootstrap resamples used by the analysis.</summary>
    public const int DefaultResamples = 10_000;

    /// <summary>Arithmetic mean (summed in order); NaN for no values.</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var s = 0.0;
        foreach (var v in values)
        {
            s += v;
        }

        return s / values.Count;
    }

    /// <summary>Sample variance (n − 1 denominator); 0 for one value, NaN for none.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
        {
            return values.Count == 1 ? 0 : double.NaN;
        }

        var m = Mean(values);
        var s = 0.0;
        foreach (var v in values)
        {
            s += (v - m) * (v - m);
        }

        return s / (values.Count - 1);
    }

    /// <summary>Sample standard deviation (n − 1 denominator).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values) => Math.Sqrt(Variance(values));

    /// <summary>
    /// The <paramref name="q"/>-quantile of <paramref name="sorted"/> (ascending) with linear interpolation
    /// between order statistics: position q·(n − 1) (numpy's default, Hyndman–Fan type 7).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        if (pos == lo || hi == lo)
        {
            return sorted[lo];
        }

        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>
    /// Percentile bootstrap confidence interval of the mean: <paramref name="resamples"/> resamples of n
    /// values drawn with replacement using <see cref="Rng"/>(<paramref name="seed"/>) (index =
    /// <see cref="Rng.NextInt"/>(n)), their means sorted, and the (1 ± level)/2 quantiles taken with
    /// <see cref="Quantile"/>. Deterministic for a seed. One value gives [v, v]; none gives (NaN, NaN).
    /// </summary>
    public static (double Low, double High) BootstrapMeanCi(IReadOnlyList<double> values, ulong seed, int resamples = DefaultResamples, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "the confidence level must be in (0, 1)");
        }

        var n = values.Count;
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        var rng = new Rng(seed);
        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var s = 0.0;
            for (var i = 0; i < n; i++)
            {
                s += values[rng.NextInt(n)];
            }

            means[b] = s / n;
        }

        Array.Sort(means);
        return (Quantile(means, (1 - level) / 2), Quantile(means, (1 + level) / 2));
    }

    /// <summary>
    /// Welch's unequal-variances t-test of mean(a) − mean(b): t = (m_a − m_b)/√(s_a²/n_a + s_b²/n_b), degrees of
    /// freedom by Welch–Satterthwaite, two-sided p-value from Student's t. Needs at least two values on
    /// each side (else null). With both variances zero, p is 1 when the means are equal and 0 otherwise.
    /// Also returns the 95% confidence half-width of the difference (t₀.₉₇₅,df · standard error).
    /// </summary>
    public static WelchResult? WelchTTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < 2 || b.Count < 2)
        {
            return null;
        }

        double ma = Mean(a), mb = Mean(b);
        double va = Variance(a) / a.Count, vb = Variance(b) / b.Count;
        var diff = ma - mb;
        var se = Math.Sqrt(va + vb);
        if (se == 0)
        {
            var same = diff == 0;
            return new WelchResult(diff, same ? 0 : Math.CopySign(double.PositiveInfinity, diff), a.Count + b.Count - 2, same ? 1 : 0, 0);
        }

        var t = diff / se;
        var df = ((va + vb) * (va + vb)) / ((va * va / (a.Count - 1)) + (vb * vb / (b.Count - 1)));
        var p = StudentTTwoSidedP(t, df);
        var half = StudentTQuantile(0.975, df) * se;
        return new WelchResult(diff, t, df, p, half);
    }

    /// <summary>Two-sided p-value P(|T| ≥ |t|) of Student's t with <paramref name="df"/> degrees of freedom:
    /// I_{df/(df+t²)}(df/2, 1/2).</summary>
    public static double StudentTTwoSidedP(double t, double df)
    {
        if (double.IsNaN(t) || !(df > 0))
        {
            return double.NaN;
        }

        if (double.IsInfinity(t))
        {
            return 0;
        }

        return Math.Clamp(RegularizedIncompleteBeta(df / 2, 0.5, df / (df + (t * t))), 0, 1);
    }

    /// <summary>Student's t cumulative distribution function.</summary>
    public static double StudentTCdf(double t, double df)
    {
        var tail = StudentTTwoSidedP(t, df) / 2;
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The <paramref name="p"/>-quantile of Student's t (bisection on the CDF to 1e-12).</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (!(p > 0 && p < 1) || !(df > 0))
        {
            return double.NaN;
        }

        double lo = -1, hi = 1;
        while (StudentTCdf(lo, df) > p)
        {
            lo *= 2;
        }

        while (StudentTCdf(hi, df) < p)
        {
            hi *= 2;
        }

        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(hi)); i++)
        {
            var mid = 0.5 * (lo + hi);
            if (StudentTCdf(mid, df) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
    /// Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where that converges faster.</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        var front = Math.Exp(lnFront);
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 coefficients; ~15 digits).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var s = c[0];
        for (var i = 1; i < 9; i++)
        {
            s += c[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(s);
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        const double Epsilon = 1e-15;
        double qab = a + b, qap = a + 1, qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 10_000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < Epsilon)
            {
                break;
            }
        }

        return h;
    }
}
