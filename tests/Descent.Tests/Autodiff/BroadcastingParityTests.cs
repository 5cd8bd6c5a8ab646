using Descent.Autodiff;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The broadcasting fast paths (same shape, scalar, row, column, general N-d) against a scalar reference
/// over inner lengths 0…257 (every SIMD tail), with NaN, ±Inf and signed zeros mixed in. Float +, −, ·, /
/// are correctly rounded, so the reference (the operation in double, rounded once) must match bit for bit.
/// </summary>
public class BroadcastingParityTests
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-38f, 3e38f];

    public static TheoryData<string> Ops => new() { "Add", "Sub", "Mul", "Div" };

    [Theory]
    [MemberData(nameof(Ops))]
    public void AllPathsMatchTheScalarReferenceBitForBit(string op)
    {
        var rng = new Rng(77);
        for (var n = 0; n <= 257; n++)
        {
            int[][][] cases =
            [
                [[2, n], [2, n]],       // same shape
                [[2, n], []],           // scalar right
                [[], [n]],              // scalar left
                [[3, n], [n]],          // row
                [[n], [3, n]],          // row left
                [[3, n], [3, 1]],       // column
                [[n, 2], [n, 1]],       // column, short rows
                [[2, 1, n], [3, 1]],    // general: both broadcast
            ];
            foreach (var c in cases)
            {
                var a = Random(rng, c[0]);
                var b = Random(rng, c[1]);
                var y = op switch
                {
                    "Add" => a + b,
                    "Sub" => a - b,
                    "Mul" => a * b,
                    _ => a / b,
                };
                Func<double, double, double> f = op switch
                {
                    "Add" => (p, q) => p + q,
                    "Sub" => (p, q) => p - q,
                    "Mul" => (p, q) => p * q,
                    _ => (p, q) => p / q,
                };
                var expected = Reference.Broadcast(Doubles(a), c[0], Doubles(b), c[1], f);
                Assert.Equal(Reference.BroadcastShape(c[0], c[1]), y.Shape.ToArray());
                for (var i = 0; i < expected.Length; i++)
                {
                    var e = (float)expected[i];
                    var ok = float.IsNaN(e) ? float.IsNaN(y[i]) : BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(y[i]);
                    if (!ok)
                    {
                        Assert.Fail($"{op} {Format(c[0])}·{Format(c[1])} element {i}: got {y[i]:R}, expected {e:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void GradientReductionMatchesADoubleSum()
    {
        var rng = new Rng(78);
        for (var n = 0; n <= 257; n += 1)
        {
            (int[] Out, int[] In)[] cases = [([3, n], [n]), ([3, n], [1, n]), ([n, 3], [n, 1]), ([2, 3, n], [3, 1]), ([n], []), ([2, n, 3], [2, 1, 3])];
            foreach (var (outShape, inShape) in cases)
            {
                var g = Tensor.Uniform(rng, -1, 1, outShape);
                var inCount = inShape.Aggregate(1, (p, d) => p * d);
                var reduced = new float[inCount];
                Broadcasting.ReduceTo(g.Span, outShape, reduced, inShape);

                // Reference: scatter-add each output element to the input element it was broadcast from.
                var expected = new double[inCount];
                var abs = new double[inCount];
                var ones = new double[inCount];
                var index = Enumerable.Range(0, inCount).Select(i => (double)i).ToArray();
                var source = Reference.Broadcast(Doubles(g), outShape, index, inShape, (_, q) => q);
                for (var i = 0; i < source.Length; i++)
                {
                    expected[(int)source[i]] += g[i];
                    abs[(int)source[i]] += Math.Abs(g[i]);
                }

                for (var i = 0; i < inCount; i++)
                {
                    if (!(Math.Abs(reduced[i] - expected[i]) <= 1e-6 * (abs[i] + 1)))
                    {
                        Assert.Fail($"{Format(outShape)}→{Format(inShape)} [{i}]: {reduced[i]} vs {expected[i]}");
                    }
                }
            }
        }
    }

    private static Tensor Random(Rng rng, int[] shape)
    {
        var t = Tensor.Uniform(rng, -4, 4, shape);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            if (rng.NextDouble() < 0.08)
            {
                s[i] = Specials[rng.NextInt(Specials.Length)];
            }
        }

        return t;
    }

    private static double[] Doubles(Tensor t) => t.ToArray().Select(v => (double)v).ToArray();

    private static string Format(int[] shape) => "[" + string.Join(",", shape) + "]";
}
