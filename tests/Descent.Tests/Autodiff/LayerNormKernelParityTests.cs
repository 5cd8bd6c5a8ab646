using Descent.Autodiff.Ops;
using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The LayerNorm row kernels (<see cref="LayerNormKernel"/>): the Vector512 rows (<see cref="KernelPath.Auto"/>) against
/// the scalar reference rows (<see cref="KernelPath.Reference"/>) — output and the gradients of x, γ and β equal bit for bit
/// over widths 1…257 and 384 (tails of every length), one to several blocks of rows, NaN/±Inf/zero rows, without the
/// affine parameters and with a gradient that already exists; the same bits for 1 and 4 workers; and the values against
/// an independent double-precision LayerNorm and its gradient.
/// </summary>
public sealed class LayerNormKernelParityTests
{
    private static readonly int[] Widths = [1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 384];

    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        foreach (var width in Widths)
        {
            data.Add(width, width % 2 == 1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimdRowsEqualTheScalarReference(int width, bool specials)
    {
        foreach (var rows in new[] { 1, 3, LayerNormKernel.BlockRows + 5 })
        {
            foreach (var affine in new[] { true, false })
            {
                var (x, g) = Inputs(rows, width, specials);
                var reference = Run(KernelPath.Reference, x, g, width, affine, existingGradient: false);
                var simd = Run(KernelPath.Auto, x, g, width, affine, existingGradient: false);
                AssertBits(reference, simd, $"rows {rows} width {width} affine {affine}");
            }
        }
    }

    [Fact]
    public void GradientIsAddedToAnExistingOneWithTheReferenceBits()
    {
        foreach (var width in new[] { 5, 384 })
        {
            var (x, g) = Inputs(70, width, specials: false);
            var reference = Run(KernelPath.Reference, x, g, width, affine: true, existingGradient: true);
            var simd = Run(KernelPath.Auto, x, g, width, affine: true, existingGradient: true);
            AssertBits(reference, simd, $"width {width}, existing gradient");

            // The existing gradient (g itself, from the identity branch of LN(x) + x) is part of the result.
            var fresh = Run(KernelPath.Auto, x, g, width, affine: true, existingGradient: false);
            for (var i = 0; i < x.Length; i++)
            {
                Assert.Equal(fresh[1][i] + g.Span[i], simd[1][i]);
            }
        }
    }

    [Fact]
    public void ResultDoesNotDependOnTheNumberOfWorkers()
    {
        var (x, g) = Inputs(300, 96, specials: false);
        var saved = ParallelRange.MaxWorkers;
        try
        {
            ParallelRange.MaxWorkers = 1;
            var one = Run(KernelPath.Auto, x, g, 96, affine: true, existingGradient: false);
            ParallelRange.MaxWorkers = 4;
            var four = Run(KernelPath.Auto, x, g, 96, affine: true, existingGradient: false);
            AssertBits(one, four, "1 vs 4 workers");
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }
    }

    [Fact]
    public void ValuesMatchADoublePrecisionLayerNorm()
    {
        const int rows = 70, width = 37;
        var (x, g) = Inputs(rows, width, specials: false);
        var result = Run(KernelPath.Auto, x, g, width, affine: true, existingGradient: false);
        var (gamma, beta) = Affine(width);
        var dGamma = new double[width];
        var dBeta = new double[width];
        for (var r = 0; r < rows; r++)
        {
            var row = Enumerable.Range(0, width).Select(j => (double)x.Span[(r * width) + j]).ToArray();
            var gr = Enumerable.Range(0, width).Select(j => (double)g.Span[(r * width) + j]).ToArray();
            var mean = row.Average();
            var inv = 1 / Math.Sqrt(row.Select(v => (v - mean) * (v - mean)).Average() + 1e-5);
            var xhat = row.Select(v => (v - mean) * inv).ToArray();
            var h = gr.Select((v, j) => v * gamma.Span[j]).ToArray();
            var meanH = h.Average();
            var meanHx = h.Select((v, j) => v * xhat[j]).Average();
            for (var j = 0; j < width; j++)
            {
                Close((xhat[j] * gamma.Span[j]) + beta.Span[j], result[0][(r * width) + j], "y");
                Close(inv * (h[j] - meanH - (xhat[j] * meanHx)), result[1][(r * width) + j], "dx");
                dGamma[j] += gr[j] * xhat[j];
                dBeta[j] += gr[j];
            }
        }

        for (var j = 0; j < width; j++)
        {
            Close(dGamma[j], result[2][j], "dγ");
            Close(dBeta[j], result[3][j], "dβ");
        }
    }

    private static void Close(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 + (1e-5 * Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    private static (Tensor X, Tensor G) Inputs(int rows, int width, bool specials)
    {
        var rng = new Rng((ulong)((rows * 1009) + width));
        var x = Tensor.Normal(rng, 0.5f, 2, rows, width);
        var g = Tensor.Normal(rng, 0, 1, rows, width);
        if (specials && rows >= 3)
        {
            x.Span[0] = float.NaN;
            x.Span[width] = float.PositiveInfinity;
            x.Span.Slice(2 * width, width).Clear(); // a constant row: variance 0
            if (rows > 3)
            {
                x.Span[(3 * width) + (width / 2)] = float.NegativeInfinity;
            }
        }

        return (x, g);
    }

    private static (Tensor Gamma, Tensor Beta) Affine(int width)
    {
        var rng = new Rng(11);
        return (Tensor.Normal(rng, 1, 0.3f, width), Tensor.Normal(rng, 0, 0.3f, width));
    }

    private static float[][] Run(KernelPath path, Tensor x0, Tensor g, int width, bool affine, bool existingGradient)
    {
        var x = x0.Clone();
        x.RequiresGrad = true;
        var (gamma, beta) = Affine(width);
        gamma.RequiresGrad = beta.RequiresGrad = true;
        var y = LayerNormOp.Forward(x, [width], affine ? gamma : null, affine ? beta : null, 1e-5, path);
        var values = y.ToArray();
        (existingGradient ? y + x : y).Backward(g);
        return affine
            ? [values, x.Grad!.ToArray(), gamma.Grad!.ToArray(), beta.Grad!.ToArray()]
            : [values, x.Grad!.ToArray()];
    }

    private static void AssertBits(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k].Length, actual[k].Length);
            for (var i = 0; i < expected[k].Length; i++)
            {
                var same = (float.IsNaN(expected[k][i]) && float.IsNaN(actual[k][i]))
                    || BitConverter.SingleToInt32Bits(expected[k][i]) == BitConverter.SingleToInt32Bits(actual[k][i]);
                Assert.True(same,
                    $"{what}: output {k} element {i}: {actual[k][i]} vs reference {expected[k][i]}");
            }
        }
    }
}
