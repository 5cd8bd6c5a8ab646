using static Descent.Tests.Autodiff.Reference;

namespace Descent.Tests.Autodiff;

/// <summary>Finite-difference gradient checks (double-precision references) for every differentiable operation.</summary>
public class OpGradientTests
{
    private static Rng NewRng(ulong seed = 7) => new(seed);

    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [3, 4], [3, 4] },      // same shape
        { [3, 4], [] },          // scalar
        { [], [3, 4] },          // scalar on the left
        { [3, 4], [4] },         // row vector
        { [3, 4], [1, 4] },      // row vector, 2-D
        { [4], [3, 4] },         // row vector on the left
        { [3, 1], [3, 4] },      // column on the left
        { [3, 4], [3, 1] },      // column
        { [2, 1, 3], [4, 1] },   // general N-d, both operands broadcast
        { [2, 3, 1, 5], [3, 4, 1] },
        { [1], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Add(int[] sa, int[] sb) => CheckBinary(sa, sb, (a, b) => a + b, (a, b) => a + b);

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Sub(int[] sa, int[] sb) => CheckBinary(sa, sb, (a, b) => a - b, (a, b) => a - b);

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Mul(int[] sa, int[] sb) => CheckBinary(sa, sb, (a, b) => a * b, (a, b) => a * b);

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Div(int[] sa, int[] sb) => CheckBinary(sa, sb, (a, b) => a / b, (a, b) => a / b);

    [Fact]
    public void ScalarOperators()
    {
        var rng = NewRng();
        GradCheck.Assert(t => (2.5f * t[0]) + 1f - (t[0] / 4f) - (3f - t[0]) + (1f / t[0]) + (0.5f + t[0]) - (t[0] - 1f) + (t[0] * 2f),
            x => Map(x[0], v => (2.5 * v) + 1 - (v / 4) - (3 - v) + (1 / v) + (0.5 + v) - (v - 1) + (v * 2)),
            GradCheck.Input(rng, 0.5f, 2f, 2, 3));
    }

    [Fact]
    public void Neg() => CheckUnary(t => t.Neg(), v => -v, -2f, 2f);

    [Fact]
    public void NegOperator() => CheckUnary(t => -t, v => -v, -2f, 2f);

    [Fact]
    public void Square() => CheckUnary(t => t.Square(), v => v * v, -2f, 2f);

    [Theory]
    [InlineData(2.5f, 0.2f, 2f)]
    [InlineData(3f, -2f, 2f)]
    [InlineData(2f, -2f, 2f)]
    [InlineData(1f, -2f, 2f)]
    [InlineData(0f, -2f, 2f)]
    [InlineData(-1.5f, 0.3f, 2f)]
    [InlineData(0.5f, 0.2f, 2f)]
    public void Pow(float p, float low, float high) => CheckUnary(t => t.Pow(p), v => Math.Pow(v, p), low, high);

    [Fact]
    public void Exp() => CheckUnary(t => t.Exp(), Math.Exp, -2f, 2f);

    [Fact]
    public void Log() => CheckUnary(t => t.Log(), Math.Log, 0.2f, 3f);

    [Fact]
    public void Sqrt() => CheckUnary(t => t.Sqrt(), Math.Sqrt, 0.2f, 3f);

    [Fact]
    public void Tanh() => CheckUnary(t => t.Tanh(), Math.Tanh, -2f, 2f);

    [Fact]
    public void Sigmoid() => CheckUnary(t => t.Sigmoid(), v => 1 / (1 + Math.Exp(-v)), -4f, 4f);

    [Fact]
    public void Gelu() => CheckUnary(t => t.Gelu(), Reference.Gelu, -4f, 4f);

    [Fact]
    public void Relu()
    {
        // Values kept away from the kink at 0, where the derivative is not defined.
        var x = Tensor.FromArray([-1.5f, -0.3f, 0.2f, 1.7f, -0.05f, 0.08f, 3f, -2f], 2, 4);
        x.RequiresGrad = true;
        GradCheck.Assert(t => t[0].Relu(), x => Map(x[0], v => Math.Max(v, 0)), x);
    }

    [Fact]
    public void ReluGradientAtZeroIsZero()
    {
        var x = Tensor.FromArray([0f, 1f, -1f]);
        x.RequiresGrad = true;
        x.Relu().Sum().Backward();
        Assert.Equal([0f, 1f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void SumAll() => CheckUnaryShape(t => t.Sum(), x => [x.Sum()], [3, 4]);

    [Fact]
    public void MeanAll() => CheckUnaryShape(t => t.Mean(), x => [x.Average()], [3, 4]);

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(-1, false)]
    [InlineData(1, true)]
    public void SumAxis(int axis, bool keepDim)
    {
        int[] shape = [2, 3, 4];
        var ax = axis < 0 ? axis + 3 : axis;
        var y = CheckUnaryShape(t => t.Sum(axis, keepDim), x => Reference.SumAxis(x, shape, ax), shape);
        var expected = shape.ToList();
        if (keepDim)
        {
            expected[ax] = 1;
        }
        else
        {
            expected.RemoveAt(ax);
        }

        Assert.Equal(expected, y.Shape.ToArray());
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void MeanAxis(int axis, bool keepDim)
    {
        int[] shape = [2, 3, 4];
        CheckUnaryShape(t => t.Mean(axis, keepDim),
            x => Reference.SumAxis(x, shape, axis).Select(v => v / shape[axis]).ToArray(), shape);
    }

    [Fact]
    public void MatMul2D()
    {
        var rng = NewRng();
        GradCheck.Assert(t => t[0].MatMul(t[1]), x => Reference.MatMul(x[0], x[1], 3, 5, 4),
            GradCheck.Input(rng, -1, 1, 3, 5), GradCheck.Input(rng, -1, 1, 5, 4));
    }

    [Fact]
    public void MatMulBatchedBy2D()
    {
        var rng = NewRng();
        GradCheck.Assert(t => Tensor.MatMul(t[0], t[1]), x => Reference.MatMul(x[0], x[1], 6, 5, 4),
            GradCheck.Input(rng, -1, 1, 2, 3, 5), GradCheck.Input(rng, -1, 1, 5, 4));
    }

    [Fact]
    public void MatMulBatchedBy3D()
    {
        var rng = NewRng();
        GradCheck.Assert(t => t[0].MatMul(t[1]),
            x =>
            {
                var first = Reference.MatMul(x[0][..15], x[1][..20], 3, 5, 4);
                var second = Reference.MatMul(x[0][15..], x[1][20..], 3, 5, 4);
                return [.. first, .. second];
            },
            GradCheck.Input(rng, -1, 1, 2, 3, 5), GradCheck.Input(rng, -1, 1, 2, 5, 4));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Softmax(int axis)
    {
        int[] shape = [2, 3, 4];
        var ax = axis < 0 ? axis + 3 : axis;
        CheckUnaryShape(t => t.Softmax(axis), x => AlongAxis(x, shape, ax, Reference.Softmax), shape, -3f, 3f);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void LogSoftmax(int axis)
    {
        int[] shape = [2, 3, 4];
        var ax = axis < 0 ? axis + 3 : axis;
        CheckUnaryShape(t => t.LogSoftmax(axis), x => AlongAxis(x, shape, ax, Reference.LogSoftmax), shape, -3f, 3f);
    }

    [Fact]
    public void Reshape() => CheckUnaryShape(t => t.Reshape(4, -1).Square(), x => Map(x, v => v * v), [2, 3, 2]);

    [Fact]
    public void Transpose()
    {
        var rng = NewRng();
        GradCheck.Assert(t => t[0].T(),
            x => Enumerable.Range(0, 12).Select(i => x[0][((i % 3) * 4) + (i / 3)]).ToArray(),
            GradCheck.Input(rng, -1, 1, 3, 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Linear(bool bias)
    {
        var rng = NewRng();
        var inputs = bias
            ? new[] { GradCheck.Input(rng, -1, 1, 2, 3, 5), GradCheck.Input(rng, -1, 1, 4, 5), GradCheck.Input(rng, -1, 1, 4) }
            : [GradCheck.Input(rng, -1, 1, 2, 3, 5), GradCheck.Input(rng, -1, 1, 4, 5)];
        GradCheck.Assert(t => Tensor.Linear(t[0], t[1], bias ? t[2] : null),
            x =>
            {
                var y = new double[6 * 4];
                for (var r = 0; r < 6; r++)
                {
                    for (var o = 0; o < 4; o++)
                    {
                        var s = bias ? x[2][o] : 0.0;
                        for (var i = 0; i < 5; i++)
                        {
                            s += x[0][(r * 5) + i] * x[1][(o * 5) + i];
                        }

                        y[(r * 4) + o] = s;
                    }
                }

                return y;
            },
            inputs);
    }

    [Fact]
    public void DeliberatelyWrongGradientIsCaught()
    {
        // The operation is correct (y = x·x) but the planted node's backward is 1% too large; the check
        // must fail. A check that always passed would make every other test here meaningless.
        var rng = NewRng();
        var x = GradCheck.Input(rng, 0.5f, 1.5f, 2, 3);
        var result = GradCheck.Run(t => WrongSquareOp.Forward(t[0], 1.01f), v => Map(v[0], a => a * a), [x]);
        Assert.False(result.Passed, result.Report);
        Assert.Contains("finite difference", result.Report, StringComparison.Ordinal);

        // The same planted node with the correct factor passes, so the failure above is the 1%.
        var ok = GradCheck.Run(t => WrongSquareOp.Forward(t[0], 1f), v => Map(v[0], a => a * a), [x]);
        Assert.True(ok.Passed, ok.Report);
    }

    [Fact]
    public void WrongReferenceForwardIsCaught()
    {
        var rng = NewRng();
        var x = GradCheck.Input(rng, 0.5f, 1.5f, 4);
        var result = GradCheck.Run(t => t[0].Exp(), v => Map(v[0], a => Math.Exp(a) * 1.0001), [x]);
        Assert.False(result.Passed);
        Assert.Contains("forward", result.Report, StringComparison.Ordinal);
    }

    private static void CheckBinary(int[] sa, int[] sb, Func<Tensor, Tensor, Tensor> op, Func<double, double, double> f)
    {
        var rng = NewRng();

        // Values in ±[0.5, 1.5] (away from 0 so that division is well conditioned).
        Tensor Make(int[] shape)
        {
            var t = Tensor.Uniform(rng, 0.5f, 1.5f, shape);
            var s = t.Span;
            for (var i = 0; i < s.Length; i++)
            {
                if (rng.NextDouble() < 0.5)
                {
                    s[i] = -s[i];
                }
            }

            t.RequiresGrad = true;
            return t;
        }

        var a = Make(sa);
        var b = Make(sb);
        var result = GradCheck.Run(t => op(t[0], t[1]), x => Broadcast(x[0], sa, x[1], sb, f), [a, b]);
        Assert.True(result.Passed, result.Report);
        var y = op(a, b);
        Assert.Equal(BroadcastShape(sa, sb), y.Shape.ToArray());
    }

    private static void CheckUnary(Func<Tensor, Tensor> op, Func<double, double> f, float low, float high)
        => CheckUnaryShape(op, x => Map(x, f), [3, 5], low, high);

    private static Tensor CheckUnaryShape(Func<Tensor, Tensor> op, Func<double[], double[]> f, int[] shape, float low = -1f, float high = 1f)
    {
        var rng = NewRng();
        var x = GradCheck.Input(rng, low, high, shape);
        var result = GradCheck.Run(t => op(t[0]), v => f(v[0]), [x]);
        Assert.True(result.Passed, result.Report);
        return op(x);
    }
}
