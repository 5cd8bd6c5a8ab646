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

    private sealed record Result(float[] Y, float[] Inference, float[] Dx, float[] Dw, float[]? Db);
}
