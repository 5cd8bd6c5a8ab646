namespace Descent.Tests.Autodiff;

/// <summary>Double-precision reference implementations of the operations' forward passes, written
/// independently of the library (plain loops over multi-indices), for gradient checks.</summary>
public static class Reference
{
    public static double[] Map(double[] x, Func<double, double> f) => x.Select(f).ToArray();

    public static int[] BroadcastShape(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            var db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            r[i] = da == 1 ? db : da;
        }

        return r;
    }

    /// <summary>Element-wise f(a, b) with NumPy broadcasting, by explicit multi-index arithmetic.</summary>
    public static double[] Broadcast(double[] a, int[] aShape, double[] b, int[] bShape, Func<double, double, double> f)
    {
        var shape = BroadcastShape(aShape, bShape);
        var n = shape.Aggregate(1, (p, d) => p * d);
        var result = new double[n];
        var index = new int[shape.Length];
        for (var flat = 0; flat < n; flat++)
        {
            var rem = flat;
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = rem % shape[d];
                rem /= shape[d];
            }

            result[flat] = f(a[Flat(index, aShape)], b[Flat(index, bShape)]);
        }

        return result;
    }

    private static int Flat(int[] outIndex, int[] shape)
    {
        var offset = outIndex.Length - shape.Length;
        var flat = 0;
        for (var d = 0; d < shape.Length; d++)
        {
            var i = shape[d] == 1 ? 0 : outIndex[d + offset];
            flat = (flat * shape[d]) + i;
        }

        return flat;
    }

    public static double[] MatMul(double[] a, double[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = 0.0;
                for (var p = 0; p < k; p++)
                {
                    s += a[(i * k) + p] * b[(p * n) + j];
                }

                c[(i * n) + j] = s;
            }
        }

        return c;
    }

    /// <summary>Applies <paramref name="rowFunction"/> to every 1-D slice along <paramref name="axis"/>.</summary>
    public static double[] AlongAxis(double[] x, int[] shape, int axis, Func<double[], double[]> rowFunction)
    {
        var outer = shape.Take(axis).Aggregate(1, (p, d) => p * d);
        var len = shape[axis];
        var inner = shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var row = new double[len];
                for (var j = 0; j < len; j++)
                {
                    row[j] = x[(((o * len) + j) * inner) + i];
                }

                var r = rowFunction(row);
                for (var j = 0; j < len; j++)
                {
                    y[(((o * len) + j) * inner) + i] = r[j];
                }
            }
        }

        return y;
    }

    /// <summary>Sums over <paramref name="axis"/> (the result has the axis removed).</summary>
    public static double[] SumAxis(double[] x, int[] shape, int axis)
    {
        var outer = shape.Take(axis).Aggregate(1, (p, d) => p * d);
        var len = shape[axis];
        var inner = shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        var y = new double[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var j = 0; j < len; j++)
            {
                for (var i = 0; i < inner; i++)
                {
                    y[(o * inner) + i] += x[(((o * len) + j) * inner) + i];
                }
            }
        }

        return y;
    }

    public static double[] Softmax(double[] row)
    {
        var max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double[] LogSoftmax(double[] row)
    {
        var max = row.Max();
        var lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
        return row.Select(v => v - lse).ToArray();
    }

    public static double Erf(double x)
    {
        // Independent of the library's implementation: Abramowitz–Stegun 7.1.26 is too coarse for a
        // gradient check, so sum the Taylor series (|x| ≤ 2.5, where its terms stay below ~200 so cancellation
        // costs < 1e-13) or use the continued fraction for erfc (|x| > 2.5).
        if (Math.Abs(x) <= 2.5)
        {
            double sum = 0, term = x;
            for (var n = 0; n < 200; n++)
            {
                sum += term / ((2 * n) + 1);
                term *= -x * x / (n + 1);
                if (Math.Abs(term) < 1e-18 * Math.Abs(sum))
                {
                    break;
                }
            }

            return 2 / Math.Sqrt(Math.PI) * sum;
        }

        // erfc(x) = e^(−x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up.
        var ax = Math.Abs(x);
        double f = 0;
        for (var k = 300; k >= 1; k--)
        {
            f = k / 2.0 / (ax + f);
        }

        var erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        return Math.Sign(x) * (1 - erfc);
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));
}
