using Descent.Numerics;

namespace Descent.Tests.Numerics;

/// <summary><see cref="Gemm.MultiplyBatched"/>: every product agrees with the double-precision product of its matrices
/// (within float rounding) and the results are bit-identical with one and two workers (split by product or within
/// each product; narrow products on the direct kernel), with a shared (stride 0) operand; bad arguments are refused
/// before anything is written.</summary>
public class GemmBatchedTests
{
    public static TheoryData<int, int, int, int, bool, bool> Cases() => new()
    {
        { 192, 128, 128, 32, false, true }, // attention scores Q·Kᵀ
        { 192, 128, 32, 128, false, false }, // context P·V
        { 7, 33, 17, 29, true, false },
        { 5, 97, 101, 103, true, true },
        { 3, 300, 260, 270, false, false }, // large products: each one split across workers
        { 6, 40, 20, 700, true, false }, // narrow, several k-slices on the packed path of a single call
        { 1, 13, 7, 5, false, false },
        { 0, 4, 4, 4, false, false },
        { 4, 6, 5, 0, false, true }, // k = 0: C = beta · C
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachProductMatchesTheReferenceWithOneAndTwoWorkers(int batch, int m, int n, int k, bool transA, bool transB)
    {
        foreach (var sharedB in new[] { false, true })
        {
            var rng = new Rng((ulong)((batch * 1000) + m));
            var (lda, ldb, ldc) = ((transA ? m : k) + 1, (transB ? k : n) + 2, n + 1);
            long strideA = ((transA ? k : m) * lda) + 3, strideB = sharedB ? 0 : ((transB ? n : k) * ldb) + 1, strideC = (m * ldc) + 2;
            var a = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, batch * strideA)).ToArray();
            var b = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, sharedB ? strideA + ((transB ? n : k) * ldb) : batch * strideB)).ToArray();
            var c0 = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, batch * strideC)).ToArray();
            var results = new List<float[]>();
            foreach (var workers in new[] { 1, 2 })
            {
                var c = c0.ToArray();
                var saved = Gemm.MaxWorkers;
                try
                {
                    Gemm.MaxWorkers = workers;
                    Gemm.MultiplyBatched(batch, transA, transB, m, n, k, 0.7f, a, lda, strideA, b, ldb, strideB, 1.3f, c, ldc, strideC);
                }
                finally
                {
                    Gemm.MaxWorkers = saved;
                }

                results.Add(c);
            }

            var what = $"batch {batch} {m}x{n}x{k} tA={transA} tB={transB} shared B={sharedB}";
            for (var i = 0; i < results[0].Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(results[0][i]) == BitConverter.SingleToInt32Bits(results[1][i]),
                    $"{what}: element {i} {results[0][i]} (1 worker) vs {results[1][i]} (2 workers)");
            }

            for (var t = 0; t < batch; t++)
            {
                for (var i = 0; i < m; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        double sum = 0, magnitude = 0;
                        for (var p = 0; p < k; p++)
                        {
                            double av = a[(t * strideA) + (transA ? (p * lda) + i : (i * lda) + p)];
                            double bv = b[(t * strideB) + (transB ? (j * ldb) + p : (p * ldb) + j)];
                            sum += av * bv;
                            magnitude += Math.Abs(av * bv);
                        }

                        var at = (t * strideC) + (i * ldc) + j;
                        var expected = (0.7 * sum) + (1.3 * c0[at]);
                        var tolerance = ((k + 4) * 1.2e-7 * ((0.7 * magnitude) + Math.Abs(1.3 * c0[at]))) + 1e-30;
                        Assert.True(Math.Abs(results[0][at] - expected) <= tolerance, $"{what}: product {t} C[{i},{j}] = {results[0][at]}, expected {expected} ± {tolerance}");
                    }
                }
            }

            // Elements between the products' outputs are untouched.
            for (var t = 0; t < batch; t++)
            {
                for (var at = (t * strideC) + (m * ldc); at < Math.Min(results[0].Length, (t + 1) * strideC); at++)
                {
                    Assert.Equal(c0[at], results[0][at]);
                }
            }
        }
    }

    [Fact]
    public void RefusesShortSpansAndOverlappingOutputsBeforeWriting()
    {
        var a = new float[2 * 12];
        var b = new float[2 * 12];
        var c = new float[2 * 9];
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyBatched(3, false, false, 3, 3, 4, 1f, a, 4, 12, b, 3, 12, 0f, new float[27], 3, 9));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("3 matrices", ex.Message, StringComparison.Ordinal);
        var overlap = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.MultiplyBatched(2, false, false, 3, 3, 4, 1f, a, 4, 12, b, 3, 12, 0f, c, 3, 8));
        Assert.Equal("strideC", overlap.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.MultiplyBatched(-1, false, false, 3, 3, 4, 1f, a, 4, 12, b, 3, 12, 0f, c, 3, 9));
        Assert.All(c, v => Assert.Equal(0f, v));
    }
}
