using Descent.Autodiff;
using Descent.Autodiff.Ops;
using Descent.Optimizers;
using static Descent.Tests.Autodiff.Reference;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The fused LoRA layer (<see cref="LoraOp"/>: base product, low-rank update accumulated by the GEMM, optional GELU, one
/// node) against PEFT's unfused composition (<see cref="KernelPath.Reference"/>: base, A, B, scaling, sum and GELU as
/// separate recorded operations): forward values with and without a tape and the gradients of x, W, b, A, B and of a
/// separate adapter input (dropout's place), over shapes taking the small and the packed GEMM paths with odd sizes and
/// ranks, a frozen or trainable base, NaN and infinite inputs; plus a double-precision gradient check.
/// </summary>
public class LoraOpParityTests
{
    public static TheoryData<int[], int, int, bool> Shapes() => new()
    {
        { [5, 7], 3, 2, true }, // small path
        { [37, 24], 300, 8, true }, // packed, edge tiles
        { [3, 41, 65], 129, 5, false },
        { [2, 61, 96], 384, 8, true },
        { [1, 1], 1, 1, true },
        { [0, 8], 4, 2, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedForwardAndGradientsMatchTheUnfusedReference(int[] inputShape, int outFeatures, int rank, bool withBias)
    {
        foreach (var gelu in new[] { false, true })
        {
            foreach (var separateInput in new[] { false, true })
            {
                foreach (var frozenBase in new[] { true, false })
                {
                    var what = $"[{string.Join(',', inputShape)}]→{outFeatures} r={rank} bias={withBias} gelu={gelu} separate={separateInput} frozen={frozenBase}";
                    var c = Case.Create(inputShape, outFeatures, rank, withBias, seed: (ulong)((inputShape[^1] * 131) + outFeatures + rank));
                    var fused = c.Run(gelu, separateInput, frozenBase, KernelPath.Auto);
                    var reference = c.Run(gelu, separateInput, frozenBase, KernelPath.Reference);
                    fused.AssertCloseTo(reference, what);
                    if (frozenBase)
                    {
                        Assert.Null(fused.Dw);
                        Assert.Null(fused.Db);
                    }
                }
            }
        }
    }

    [Fact]
    public void NaNAndInfinityPropagateAsInTheReference()
    {
        var c = Case.Create([6, 40], 70, 4, withBias: true, seed: 9);
        c.X[3] = float.NaN;
        c.X[(2 * 40) + 5] = float.PositiveInfinity;
        c.A[7] = float.NegativeInfinity; // every row reads A's first row through h
        foreach (var gelu in new[] { false, true })
        {
            var fused = c.Run(gelu, separateInput: false, frozenBase: false, KernelPath.Auto);
            var reference = c.Run(gelu, separateInput: false, frozenBase: false, KernelPath.Reference);
            fused.AssertCloseTo(reference, $"non-finite inputs, gelu={gelu}");
            Assert.Contains(fused.Y, float.IsNaN);
        }
    }

    [Fact]
    public void FusedLayerPassesTheGradientCheck()
    {
        const int rows = 6, inF = 5, outF = 4, rank = 2;
        const float scaling = 1.5f;
        var rng = new Rng(5);
        var inputs = new[]
        {
            GradCheck.Input(rng, -1, 1, 2, 3, inF), GradCheck.Input(rng, -1, 1, outF, inF), GradCheck.Input(rng, -1, 1, outF),
            GradCheck.Input(rng, -1, 1, rank, inF), GradCheck.Input(rng, -1, 1, outF, rank),
        };
        foreach (var gelu in new[] { false, true })
        {
            GradCheck.Assert(t => LoraOp.Forward(t[0], t[1], t[2], t[0], t[3], t[4], scaling, gelu),
                v =>
                {
                    var y = new double[rows * outF];
                    for (var r = 0; r < rows; r++)
                    {
                        var h = new double[rank];
                        for (var k = 0; k < rank; k++)
                        {
                            for (var i = 0; i < inF; i++)
                            {
                                h[k] += v[0][(r * inF) + i] * v[3][(k * inF) + i];
                            }
                        }

                        for (var o = 0; o < outF; o++)
                        {
                            var s = v[2][o];
                            for (var i = 0; i < inF; i++)
                            {
                                s += v[0][(r * inF) + i] * v[1][(o * inF) + i];
                            }

                            for (var k = 0; k < rank; k++)
                            {
                                s += scaling * h[k] * v[4][(o * rank) + k];
                            }

                            y[(r * outF) + o] = gelu ? Gelu(s) : s;
                        }
                    }

                    return y;
                },
                inputs);
        }
    }

    [Fact]
    public void MismatchedShapesAreRejectedNamingTheExpectedShape()
    {
        var x = new Tensor(3, 4);
        var w = new Tensor(5, 4);
        var e = Assert.Throws<ShapeMismatchException>(() => LoraOp.Forward(x, w, null, x, new Tensor(2, 3), new Tensor(5, 2), 1f));
        Assert.Contains("A must be [r, 4] and B [5, r]", e.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => LoraOp.Forward(x, w, null, new Tensor(3, 5), new Tensor(2, 4), new Tensor(5, 2), 1f));
        Assert.Throws<ShapeMismatchException>(() => LoraOp.Forward(x, w, new Tensor(4), x, new Tensor(2, 4), new Tensor(5, 2), 1f));
    }

    private sealed record Case(int[] InputShape, float[] X, float[] W, float[]? B, float[] A, float[] LoraB, float[] Mask, float[] Upstream,
        int OutFeatures, int Rank)
    {
        private const float Scaling = 2.5f;

        public static Case Create(int[] inputShape, int outFeatures, int rank, bool withBias, ulong seed)
        {
            var inF = inputShape[^1];
            var rng = new Rng(seed);
            var x = Tensor.Normal(rng, 0, 1, inputShape).ToArray();
            var w = Tensor.Normal(rng, 0, 0.3f, outFeatures, inF).ToArray();
            var b = withBias ? Tensor.Normal(rng, 0, 1, outFeatures).ToArray() : null;
            var a = Tensor.Normal(rng, 0, 0.3f, rank, inF).ToArray();
            var loraB = Tensor.Normal(rng, 0, 0.3f, outFeatures, rank).ToArray();
            var mask = Tensor.Uniform(rng, 0, 1, inputShape).ToArray().Select(u => u < 0.3f ? 0f : 1f / 0.7f).ToArray();
            var upstream = Tensor.Normal(rng, 0, 1, [.. inputShape[..^1], outFeatures]).ToArray();
            return new Case(inputShape, x, w, b, a, loraB, mask, upstream, outFeatures, rank);
        }

        /// <summary>Forward (recorded and not), then backward of <see cref="Upstream"/>; the adapter reads x itself or, with
        /// <paramref name="separateInput"/>, x times a dropout-like mask (a second path to x's gradient).</summary>
        public Result Run(bool gelu, bool separateInput, bool frozenBase, KernelPath path)
        {
            var inF = InputShape[^1];
            var x = Tensor.FromArray(X, InputShape);
            var w = Tensor.FromArray(W, OutFeatures, inF);
            var b = B is null ? null : Tensor.FromArray(B, OutFeatures);
            var a = Tensor.FromArray(A, Rank, inF);
            var lb = Tensor.FromArray(LoraB, OutFeatures, Rank);
            x.RequiresGrad = a.RequiresGrad = lb.RequiresGrad = true;
            w.RequiresGrad = !frozenBase;
            if (b is not null)
            {
                b.RequiresGrad = !frozenBase;
            }

            var mask = Tensor.FromArray(Mask, InputShape);
            var adapterInput = separateInput ? x * mask : x;
            var y = LoraOp.Forward(x, w, b, adapterInput, a, lb, Scaling, gelu, path);
            y.Backward(Tensor.FromArray(Upstream, y.Shape.ToArray()));
            float[] inference;
            using (Tape.NoGrad())
            {
                inference = LoraOp.Forward(x, w, b, separateInput ? x * mask : x, a, lb, Scaling, gelu, path).ToArray();
            }

            return new Result(y.ToArray(), inference, x.Grad?.ToArray() ?? new float[x.Length], w.Grad?.ToArray(), b?.Grad?.ToArray(),
                a.Grad?.ToArray() ?? new float[a.Length], lb.Grad?.ToArray() ?? new float[lb.Length]);
        }
    }

    private sealed record Result(float[] Y, float[] Inference, float[] Dx, float[]? Dw, float[]? Db, float[] DA, float[] DB)
    {
        public void AssertCloseTo(Result reference, string what)
        {
            Close(reference.Y, Y, $"{what} forward");
            Close(reference.Y, Inference, $"{what} forward without a tape");
            Close(reference.Dx, Dx, $"{what} dx");
            Close(reference.DA, DA, $"{what} dA");
            Close(reference.DB, DB, $"{what} dB");
            Assert.Equal(reference.Dw is null, Dw is null);
            Assert.Equal(reference.Db is null, Db is null);
            if (Dw is not null)
            {
                Close(reference.Dw!, Dw, $"{what} dW");
            }

            if (Db is not null)
            {
                Close(reference.Db!, Db, $"{what} db");
            }
        }

        /// <summary>Within 1e-5 relative plus 1e-6 of the largest magnitude: the two paths round the products, the scaling
        /// and the sums in different places, and a sum that cancels (a gradient of many terms) keeps the terms' rounding.</summary>
        private static void Close(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            var scale = expected.Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(0f).Max();
            for (var i = 0; i < expected.Length; i++)
            {
                var ok = float.IsNaN(expected[i])
                    ? float.IsNaN(actual[i])
                    : expected[i] == actual[i] || Math.Abs(expected[i] - actual[i]) <= (1e-6 * scale) + (1e-5 * Math.Abs(expected[i]));
                Assert.True(ok, $"{what}[{i}]: fused {actual[i]}, reference {expected[i]}");
            }
        }
    }
}
