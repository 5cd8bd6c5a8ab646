using Descent.Autodiff;
using Descent.Autodiff.Ops;
using Descent.Nn;
using Descent.Optimizers;
using static Descent.Tests.Autodiff.Reference;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The linear layer's fused GEMM epilogues (bias; bias + GELU, <see cref="Linear.ForwardGelu"/>) against the unfused
/// reference path (<see cref="KernelPath.Reference"/>: product, bias pass, GELU op): forward values and the gradients of
/// input, weight and bias, over shapes taking the small and the packed GEMM paths with odd sizes and leading dimensions,
/// with and without bias, recorded and in inference; and the fused GELU layer against a double-precision gradient check.
/// </summary>
public class LinearEpilogueParityTests
{
    public static TheoryData<int[], int, bool> Shapes() => new()
    {
        { [5, 7], 3, true }, // small path
        { [37, 24], 300, true }, // packed, edge tiles
        { [3, 41, 65], 129, false },
        { [2, 61, 96], 384, true },
        { [1, 1], 1, true },
        { [0, 8], 4, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedForwardAndGradientsMatchTheUnfusedReference(int[] inputShape, int outFeatures, bool withBias)
    {
        foreach (var gelu in new[] { false, true })
        {
            var inF = inputShape[^1];
            var rng = new Rng((ulong)((inF * 131) + outFeatures));
            var x = Tensor.Normal(rng, 0, 1, inputShape);
            var w = Tensor.Normal(rng, 0, 0.3f, outFeatures, inF);
            var b = withBias ? Tensor.Normal(rng, 0, 1, outFeatures) : null;
            var upstream = Tensor.Normal(rng, 0, 1, [.. inputShape[..^1], outFeatures]);

            var fused = Run(x, w, b, upstream, gelu, KernelPath.Auto);
            var reference = Run(x, w, b, upstream, gelu, KernelPath.Reference);
            var what = $"[{string.Join(',', inputShape)}]→{outFeatures} bias={withBias} gelu={gelu}";
            AssertClose(reference.Y, fused.Y, exact: !gelu, $"{what} forward");
            AssertClose(reference.Y, fused.Inference, exact: !gelu, $"{what} forward without a tape");
            AssertClose(reference.Dx, fused.Dx, exact: false, $"{what} dx");
            AssertClose(reference.Dw, fused.Dw, exact: false, $"{what} dW");
            if (withBias)
            {
                AssertClose(reference.Db!, fused.Db!, exact: false, $"{what} db");
            }
        }
    }

    [Fact]
    public void FusedGeluLayerPassesTheGradientCheck()
    {
        var rng = new Rng(5);
        var inputs = new[] { GradCheck.Input(rng, -1, 1, 2, 3, 5), GradCheck.Input(rng, -1, 1, 4, 5), GradCheck.Input(rng, -1, 1, 4) };
        GradCheck.Assert(t => LinearOp.Forward(t[0], t[1], t[2], gelu: true),
            v =>
            {
                var y = new double[6 * 4];
                for (var r = 0; r < 6; r++)
                {
                    for (var o = 0; o < 4; o++)
                    {
                        var s = v[2][o];
                        for (var i = 0; i < 5; i++)
                        {
                            s += v[0][(r * 5) + i] * v[1][(o * 5) + i];
                        }

                        y[(r * 4) + o] = Gelu(s);
                    }
                }

                return y;
            },
            inputs);
    }

    /// <summary>x feeds a GELU layer and a plain one, and the backward pass runs twice: the GEMMs write x's gradient once
    /// and add into it after (beta 1), and the weights' and biases' gradients add up across the passes; all against a
    /// double-precision computation.</summary>
    [Theory]
    [InlineData(37, 24, 300, 17)] // packed GEMMs, edge tiles
    [InlineData(5, 3, 7, 2)] // small GEMMs
    [InlineData(129, 65, 96, 33)]
    public void GradientsAddUpOverSharedInputsAndRepeatedBackwardPasses(int rows, int inF, int out1, int out2)
    {
        var rng = new Rng((ulong)((rows * 31) + out1));
        var x = Tensor.Normal(rng, 0, 1, rows, inF);
        var w1 = Tensor.Normal(rng, 0, 0.3f, out1, inF);
        var b1 = Tensor.Normal(rng, 0, 1, out1);
        var w2 = Tensor.Normal(rng, 0, 0.3f, out2, inF);
        var g1 = Tensor.Normal(rng, 0, 1, rows, out1);
        var g2 = Tensor.Normal(rng, 0, 1, rows, out2);
        x.RequiresGrad = w1.RequiresGrad = b1.RequiresGrad = w2.RequiresGrad = true;
        for (var pass = 0; pass < 2; pass++)
        {
            var loss = (LinearOp.Forward(x, w1, b1, gelu: true) * g1).Sum() + (LinearOp.Forward(x, w2, null) * g2).Sum();
            loss.Backward();
        }

        // du = g1 · GELU′(x·W1ᵀ + b1); dx = du·W1 + g2·W2; dW1 = duᵀ·x; db1 = Σ du; dW2 = g2ᵀ·x — each twice.
        var du = new double[rows * out1];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < out1; o++)
            {
                double u = b1.Span[o];
                for (var i = 0; i < inF; i++)
                {
                    u += (double)x.Span[(r * inF) + i] * w1.Span[(o * inF) + i];
                }

                var cdf = 0.5 * (1 + Erf(u / Math.Sqrt(2)));
                du[(r * out1) + o] = g1.Span[(r * out1) + o] * (cdf + (u * Math.Exp(-0.5 * u * u) / Math.Sqrt(2 * Math.PI)));
            }
        }

        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < inF; i++)
            {
                var dx = 0.0;
                for (var o = 0; o < out1; o++)
                {
                    dx += du[(r * out1) + o] * w1.Span[(o * inF) + i];
                }

                for (var o = 0; o < out2; o++)
                {
                    dx += (double)g2.Span[(r * out2) + o] * w2.Span[(o * inF) + i];
                }

                Near(2 * dx, x.Grad!.Span[(r * inF) + i], $"dx[{r},{i}]");
            }
        }

        for (var o = 0; o < out1; o++)
        {
            var db = 0.0;
            for (var r = 0; r < rows; r++)
            {
                db += du[(r * out1) + o];
            }

            Near(2 * db, b1.Grad!.Span[o], $"db1[{o}]");
            for (var i = 0; i < inF; i++)
            {
                var dw = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    dw += du[(r * out1) + o] * x.Span[(r * inF) + i];
                }

                Near(2 * dw, w1.Grad!.Span[(o * inF) + i], $"dW1[{o},{i}]");
            }
        }

        for (var o = 0; o < out2; o++)
        {
            for (var i = 0; i < inF; i++)
            {
                var dw = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    dw += (double)g2.Span[(r * out2) + o] * x.Span[(r * inF) + i];
                }

                Near(2 * dw, w2.Grad!.Span[(o * inF) + i], $"dW2[{o},{i}]");
            }
        }
    }

    [Fact]
    public void LinearForwardGeluEqualsForwardThenGelu()
    {
        var layer = new Linear(6, 5, new Rng(2));
        var x = Tensor.Normal(new Rng(3), 0, 1, 4, 6);
        AssertClose(layer.Forward(x).Gelu().ToArray(), layer.ForwardGelu(x).ToArray(), exact: false, "Linear.ForwardGelu");
    }

    private static Result Run(Tensor x0, Tensor w0, Tensor? b0, Tensor upstream, bool gelu, KernelPath path)
    {
        var x = x0.Clone();
        var w = w0.Clone();
        var b = b0?.Clone();
        x.RequiresGrad = w.RequiresGrad = true;
        if (b is not null)
        {
            b.RequiresGrad = true;
        }

        var y = LinearOp.Forward(x, w, b, gelu, path);
        y.Backward(upstream);
        float[] inference;
        using (Tape.NoGrad())
        {
            inference = LinearOp.Forward(x, w, b, gelu, path).ToArray();
        }

        return new Result(y.ToArray(), inference, x.Grad?.ToArray() ?? new float[x.Length], w.Grad!.ToArray(), b?.Grad!.ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, bool exact, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var ok = exact
                ? BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])
                : Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i]));
            Assert.True(ok, $"{what}[{i}]: fused {actual[i]}, reference {expected[i]}");
        }
    }

    private static void Near(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 + (1e-4 * Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    private sealed record Result(float[] Y, float[] Inference, float[] Dx, float[] Dw, float[]? Db);
}
