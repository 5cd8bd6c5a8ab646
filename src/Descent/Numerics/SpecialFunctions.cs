namespace Descent.Numerics;

/// <summary>Special functions that .NET does not provide, in double precision.</summary>
public static class SpecialFunctions
{
    // W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
    // 631–637, as implemented in his CALERF routine (SPECFUN, netlib). Maximal relative error below 1e-15
    // over the whole real line.
    private const double Threshold = 0.46875;
    private const double XSmall = 1.11e-16;
    private const double XBig = 26.543;
    private const double InvSqrtPi = 5.6418958354775628695e-1;

    private static readonly double[] A =
        [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1];

    private static readonly double[] B =
        [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03];

    private static readonly double[] C =
    [
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8,
    ];

    private static readonly double[] D =
    [
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03,
    ];

    private static readonly double[] P =
    [
        3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
        6.58749161529837803e-4, 1.63153871373020978e-2,
    ];

    private static readonly double[] Q =
        [2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, relative error below 1e-15 (W. J. Cody's
    /// rational Chebyshev approximations).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var y = Math.Abs(x);
        if (y <= Threshold)
        {
            return x * SmallRatio(y);
        }

        var r = (0.5 - ErfcPositive(y)) + 0.5;
        return x < 0 ? -r : r;
    }

    /// <summary>The complementary error function erfc(x) = 1 − erf(x), accurate also where erf(x) is close to 1.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var y = Math.Abs(x);
        if (y <= Threshold)
        {
            return (0.5 - (x * SmallRatio(y))) + 0.5;
        }

        var r = ErfcPositive(y);
        return x < 0 ? 2.0 - r : r;
    }

    /// <summary>erf(y)/y for 0 ≤ y ≤ 0.46875.</summary>
    private static double SmallRatio(double y)
    {
        var ysq = y > XSmall ? y * y : 0.0;
        var xnum = A[4] * ysq;
        var xden = ysq;
        for (var i = 0; i < 3; i++)
        {
            xnum = (xnum + A[i]) * ysq;
            xden = (xden + B[i]) * ysq;
        }

        return (xnum + A[3]) / (xden + B[3]);
    }

    /// <summary>erfc(y) for y &gt; 0.46875.</summary>
    private static double ErfcPositive(double y)
    {
        double r;
        if (y <= 4.0)
        {
            var xnum = C[8] * y;
            var xden = y;
            for (var i = 0; i < 7; i++)
            {
                xnum = (xnum + C[i]) * y;
                xden = (xden + D[i]) * y;
            }

            r = (xnum + C[7]) / (xden + D[7]);
        }
        else
        {
            if (y >= XBig)
            {
                return 0.0;
            }

            var ysq = 1.0 / (y * y);
            var xnum = P[5] * ysq;
            var xden = ysq;
            for (var i = 0; i < 4; i++)
            {
                xnum = (xnum + P[i]) * ysq;
                xden = (xden + Q[i]) * ysq;
            }

            r = ysq * (xnum + P[4]) / (xden + Q[4]);
            r = (InvSqrtPi - r) / y;
        }

        // exp(-y²) computed as exp(-s²)·exp(-(y-s)(y+s)) with s = y rounded down to 1/16, to avoid the
        // cancellation error of forming y² directly.
        var s = Math.Truncate(y * 16.0) / 16.0;
        var del = (y - s) * (y + s);
        return Math.Exp(-s * s) * Math.Exp(-del) * r;
    }
}
