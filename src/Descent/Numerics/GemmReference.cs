namespace Descent.Numerics;

/// <summary>The scalar reference of <see cref="Gemm"/>: a triple loop, kept for tests.</summary>
public static class GemmReference
{
    /// <summary>Computes C = alpha · op(A) · op(B) + beta · C one element at a time (float accumulation in k order).</summary>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0f;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    var bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                ref var cij = ref c[(i * ldc) + j];
                cij = beta == 0f ? alpha * sum : (alpha * sum) + (beta * cij);
            }
        }
    }
}
