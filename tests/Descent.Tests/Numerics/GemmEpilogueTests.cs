using Descent.Autodiff.Ops;
using Descent.Numerics;

namespace Descent.Tests.Numerics;

/// <summary><see cref="Gemm.MultiplyFused"/> against the unfused passes it replaces: the product, a bias pass, a copy
/// and the GELU kernel over the whole output. The bias and the copy are bit-identical; the GELU, applied per tile row
/// instead of over the whole tensor, agrees with its reference within the GELU kernels' tolerance (1e-6 + 1e-6·|y|); the
/// epilogue that keeps GELU′ gives the same output bits and GELU′ within that tolerance of the reference.
/// Shapes cover the small path, the packed path with edge tiles in both directions, several k-slices and both splits.</summary>
public class GemmEpilogueTests
{
    public static TheoryData<int, int, int, bool> Shapes() => new()
    {
        { 1, 1, 1, false }, { 5, 7, 3, true }, { 37, 20, 24, false }, { 37, 300, 24, true }, { 97, 101, 103, false },
        { 211, 67, 1283, true }, { 2048 / 16, 1536 / 8, 384, false }, { 13, 33, 0, true }, { 300, 31, 65, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public unsafe void BiasCopyAndGeluMatchTheSeparatePasses(int m, int n, int k, bool transB)
    {
        var rng = new Rng((ulong)((m * 7919) + n));
        var a = Tensor.Normal(rng, 0, 1, Math.Max(1, m * k)).ToArray();
        var b = Tensor.Normal(rng, 0, 1, Math.Max(1, n * k)).ToArray();
        var bias = Tensor.Normal(rng, 0, 1, n).ToArray();
        var ldb = transB ? k : n;

        // Unfused: product, bias pass, copy, GELU over the whole output.
        var expectedPre = new float[m * n];
        Gemm.Multiply(false, transB, m, n, k, 1f, a, k, b, Math.Max(1, ldb), 0f, expectedPre, n);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                expectedPre[(i * n) + j] += bias[j];
            }
        }

        var expected = new float[m * n];
        GeluOp.ForwardReference(expectedPre, expected);
        var expectedDerivative = new float[m * n];
        var ones = new float[m * n];
        ones.AsSpan().Fill(1f);
        GeluOp.BackwardReference(expectedPre, ones, expectedDerivative);

        foreach (var workers in new[] { 1, 2 })
        {
            var c = new float[m * n];
            c.AsSpan().Fill(float.NaN); // overwritten, never read
            var pre = new float[m * n];
            var biasOnly = new float[m * n];
            var withDerivative = new float[m * n];
            var derivative = new float[m * n];
            derivative.AsSpan().Fill(float.NaN);
            var saved = Gemm.MaxWorkers;
            try
            {
                Gemm.MaxWorkers = workers;
                fixed (float* pb = bias)
                fixed (float* pp = pre)
                {
                    Gemm.MultiplyFused(false, transB, m, n, k, a, k, b, Math.Max(1, ldb), c, n, new GemmEpilogue(pb, pp, n, &GeluOp.ForwardSimd));
                    Gemm.MultiplyFused(false, transB, m, n, k, a, k, b, Math.Max(1, ldb), biasOnly, n, new GemmEpilogue(pb, null, 0, null));
                    fixed (float* pd = derivative)
                    {
                        Gemm.MultiplyFused(false, transB, m, n, k, a, k, b, Math.Max(1, ldb), withDerivative, n,
                            GemmEpilogue.WithDerivative(pb, pd, n, &GeluOp.ForwardWithDerivativeSimd));
                    }
                }
            }
            finally
            {
                Gemm.MaxWorkers = saved;
            }

            for (var i = 0; i < m * n; i++)
            {
                var where = $"{m}x{n}x{k} tB={transB} workers {workers} element {i}";
                Assert.True(BitConverter.SingleToInt32Bits(expectedPre[i]) == BitConverter.SingleToInt32Bits(pre[i]), $"{where}: pre-activation {pre[i]} vs {expectedPre[i]}");
                Assert.True(BitConverter.SingleToInt32Bits(expectedPre[i]) == BitConverter.SingleToInt32Bits(biasOnly[i]), $"{where}: bias only {biasOnly[i]} vs {expectedPre[i]}");
                Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-6 + (1e-6 * Math.Abs(expected[i])), $"{where}: GELU {c[i]} vs {expected[i]}");
                Assert.True(BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(withDerivative[i]), $"{where}: GELU with derivative {withDerivative[i]} vs {c[i]}");
                Assert.True(Math.Abs(derivative[i] - expectedDerivative[i]) <= 1e-6 + (1e-6 * Math.Abs(expectedDerivative[i])), $"{where}: GELU′ {derivative[i]} vs {expectedDerivative[i]}");
            }
        }
    }
}
