using Descent.Numerics;

namespace Descent.Tests.Numerics;

/// <summary><see cref="Gemm.MultiplyBatched"/>: every product equals the single <see cref="Gemm.Multiply"/> of its
/// matrices bit for bit, whether the batch is split by product or each product across workers, with a shared
/// (stride 0) operand, and bad arguments are refused before anything is written.</summary>
public class GemmBatchedTests
{
    public static TheoryData<int, int, int, int, bool, bool> Cases() => new()
    {
        { 192, 128, 128, 32, false, true }, // attention scores Q·Kᵀ
        { 192, 128, 32, 128, false, false }, // context P·V
        { 7, 33, 17, 29, true, false },
        { 5, 97, 101, 103, true, true },
        { 3, 300, 260, 270, false, false }, // large products: each one split across workers
        { 1, 13, 7, 5, false, false },
        { 0, 4, 4, 4, false, false },
        { 4, 6, 5, 0, false, true }, // k = 0: C = beta · C
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachProductEqualsItsSingleMultiplication(int batch, int m, int n, int k, bool transA, bool transB)
    {
        foreach (var sharedB in new[] { false, true })
        {
            foreach (var workers in new[] { 1, 2 })
            {
                var rng = new Rng((ulong)((batch * 1000) + m));
                var (lda, ldb, ldc) = ((transA ? m : k) + 1, (transB ? k : n) + 2, n + 1);
                long strideA = ((transA ? k : m) * lda) + 3, strideB = sharedB ? 0 : ((transB ? n : k) * ldb) + 1, strideC = (m * ldc) + 2;
                var a = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, batch * strideA)).ToArray();
                var b = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, sharedB ? strideA + ((transB ? n : k) * ldb) : batch * strideB)).ToArray();
                var c0 = Tensor.Normal(rng, 0, 1, (int)Math.Max(1, batch * strideC)).ToArray();
                var expected = c0.ToArray();
                for (var i = 0; i < batch; i++)
                {
                    Gemm.Multiply(transA, transB, m, n, k, 0.5f, a.AsSpan((int)(i * strideA)), lda, b.AsSpan((int)(i * strideB)), ldb,
                        1.5f, expected.AsSpan((int)(i * strideC)), ldc);
                }

                var actual = c0.ToArray();
                var saved = Gemm.MaxWorkers;
                try
                {
                    Gemm.MaxWorkers = workers;
                    Gemm.MultiplyBatched(batch, transA, transB, m, n, k, 0.5f, a, lda, strideA, b, ldb, strideB, 1.5f, actual, ldc, strideC);
                }
                finally
                {
                    Gemm.MaxWorkers = saved;
                }

                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                        $"batch {batch} {m}x{n}x{k} tA={transA} tB={transB} shared B={sharedB} workers {workers}: element {i} {actual[i]} vs {expected[i]}");
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
