namespace Descent.Numerics;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ, op(A) is m×k, op(B) is k×n, C is m×n.
/// </summary>
/// <remarks>
/// <c>lda</c>, <c>ldb</c>, <c>ldc</c> are row strides (elements between
/// consecutive rows of the stored matrix). The transposed forms read the stored matrix directly; no
/// transpose is materialized. When beta is 0, C is overwritten (NaNs in C do not propagate), as in BLAS.
/// </remarks>
public static class Gemm
{
    /// <summary>Computes C = alpha · op(A) · op(B) + beta · C (the fast path).</summary>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Placeholder: the optimized kernel replaces this body; the contract above is fixed.
        GemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
