using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace Descent.Numerics;

/// <summary>
/// The direct path of <see cref="Gemm"/> for small products (e.g. a tiny MLP's 256×2·2×16): no packing, no
/// threads. Each row of C is scaled by beta and then accumulates alpha·op(A)[i,p] · op(B)[p,:] with vector
/// multiply-adds over n; a transposed B is first copied into a k×n scratch (small by definition).
/// </summary>
/// <remarks>With AVX-512 a register-blocked form runs instead: each output row keeps up to 64 columns in
/// four accumulators over the whole k loop (masked loads and stores for the last columns), so C is written
/// once, never cleared or re-read; a narrow C (n &lt; 16) of a transposed A is computed as Cᵀ so that the
/// vectors run along m. The accumulation order over k is the same as the row-update form's.</remarks>
internal static unsafe class GemmSmall
{
    /// <summary>Widest output (columns) that the four-row blocks of the AVX-512 kernel cover.</summary>
    internal const int NarrowWidth = 32;

    /// <summary>Largest m·n·k that takes the direct path.</summary>
    internal static long Threshold { get; set; } = 48L * 48 * 48;

    /// <summary>Runs one multiplication (arguments validated by <see cref="Gemm"/>; m, n, k &gt; 0).</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc) =>
        Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, null);

    /// <summary>As <see cref="Run(bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint)"/>,
    /// then adds <paramref name="rowBias"/>[j] (n values, or null for none) to every row of C — a linear
    /// layer's bias, added after the product as a separate pass would.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, float* rowBias)
    {
        if (Avx512F.IsSupported && !(n == 1 && !transA))
        {
            RunRegisterBlocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, rowBias);
            return;
        }

        RunRows(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (rowBias is not null)
        {
            for (var i = 0; i < m; i++)
            {
                var cr = c + (i * ldc);
                for (var j = 0; j < n; j++)
                {
                    cr[j] += rowBias[j];
                }
            }
        }
    }

    private static void RunRegisterBlocked(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, float* rowBias)
    {
        if (transA && m > n && n < 16 && rowBias is null)
        {
            // Cᵀ (n×m) = op(B)ᵀ · Aᵀ: coefficients op(B)[p, j], vector rows Aᵀ[p, :] = A's stored row p.
            Block(n, m, k, alpha, b, transB ? ldb : 1, transB ? 1 : ldb, a, lda, beta, c, 1, ldc, null);
            return;
        }

        var bb = RowMajorB(transB, k, n, b, ldb, out var ldbb);

        Block(m, n, k, alpha, a, transA ? 1 : lda, transA ? lda : 1, bb, ldbb, beta, c, ldc, 1, rowBias);
    }

    /// <summary>op(B) as a row-major k×n matrix: <paramref name="b"/> itself (row stride <paramref name="ldb"/>),
    /// or, when <paramref name="transB"/>, a packed copy in the small scratch (row stride n).</summary>
    private static float* RowMajorB(bool transB, int k, int n, float* b, nint ldb, out nint ldbb)
    {
        if (!transB)
        {
            ldbb = ldb;
            return b;
        }

        var bb = GemmScratch.Small(k * n);
        ldbb = n;
        for (var j = 0; j < n; j++)
        {
            var src = b + (j * ldb);
            for (var p = 0; p < k; p++)
            {
                bb[(p * n) + j] = src[p];
            }
        }

        return bb;
    }

    /// <summary>
    /// C(i, j) = alpha · Σ_p a[i·ai + p·ap] · b[p·ldb + j] + beta · C(i, j) (+ bias[j]) for i &lt; rows, j &lt; cols,
    /// C(i, j) at c + i·ci + j·cj. Columns in blocks of up to 64 held in registers across the k loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(
        int rows, int cols, int k, float alpha, float* a, nint ai, nint ap, float* b, nint ldb,
        float beta, float* c, nint ci, nint cj, float* bias)
    {
        var tmp = stackalloc float[64];
        for (var j0 = 0; j0 < cols; j0 += 64)
        {
            var w = Math.Min(64, cols - j0);
            var m0 = Mask(w);
            var m1 = Mask(w - 16);
            var m2 = Mask(w - 32);
            var m3 = Mask(w - 48);
            var bj = b + j0;
            var i = 0;
            if (w <= NarrowWidth && cj == 1)
            {
                // Four rows at a time: each B row loaded once feeds eight multiply-adds (same order over k as below).
                for (; i <= rows - 4; i += 4)
                {
                    FourRows(k, a + (i * ai), ai, ap, bj, ldb, m0, m1, w > 16, alpha, beta, c + (i * ci) + j0, ci, bias is null ? null : bias + j0);
                }
            }

            for (; i < rows; i++)
            {
                var ar = a + (i * ai);
                Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
                var br = bj;
                if (w <= 16)
                {
                    for (var p = 0; p < k; p++, br += ldb)
                    {
                        acc0 = Avx512F.FusedMultiplyAdd(Vector512.Create(ar[p * ap]), Avx512F.MaskLoad(br, m0, default), acc0);
                    }
                }
                else if (w <= 32)
                {
                    for (var p = 0; p < k; p++, br += ldb)
                    {
                        var s = Vector512.Create(ar[p * ap]);
                        acc0 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(br), acc0);
                        acc1 = Avx512F.FusedMultiplyAdd(s, Avx512F.MaskLoad(br + 16, m1, default), acc1);
                    }
                }
                else
                {
                    for (var p = 0; p < k; p++, br += ldb)
                    {
                        var s = Vector512.Create(ar[p * ap]);
                        acc0 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(br), acc0);
                        acc1 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(br + 16), acc1);
                        acc2 = Avx512F.FusedMultiplyAdd(s, Avx512F.MaskLoad(br + 32, m2, default), acc2);
                        acc3 = Avx512F.FusedMultiplyAdd(s, Avx512F.MaskLoad(br + 48, m3, default), acc3);
                    }
                }

                var cr = c + (i * ci) + (j0 * cj);
                if (cj == 1)
                {
                    Store(cr, acc0, m0, alpha, beta, bias is null ? null : bias + j0);
                    if (w > 16)
                    {
                        Store(cr + 16, acc1, m1, alpha, beta, bias is null ? null : bias + j0 + 16);
                    }

                    if (w > 32)
                    {
                        Store(cr + 32, acc2, m2, alpha, beta, bias is null ? null : bias + j0 + 32);
                        Store(cr + 48, acc3, m3, alpha, beta, bias is null ? null : bias + j0 + 48);
                    }
                }
                else
                {
                    acc0.Store(tmp);
                    acc1.Store(tmp + 16);
                    acc2.Store(tmp + 32);
                    acc3.Store(tmp + 48);
                    for (var j = 0; j < w; j++)
                    {
                        ref var cij = ref cr[j * cj];
                        var v = beta == 0f ? alpha * tmp[j] : (alpha * tmp[j]) + (beta * cij);
                        cij = bias is null ? v : v + bias[j0 + j];
                    }
                }
            }
        }
    }

    /// <summary>Rows r = 0..3 of a block at most 32 wide: C[r, :] = alpha · Σ_p a[r·ai + p·ap] · b[p·ldb, :] (+ beta · C)
    /// (+ bias), two Vector512 accumulators per row; columns beyond the masks are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(
        int k, float* a, nint ai, nint ap, float* b, nint ldb, Vector512<float> m0, Vector512<float> m1, bool two,
        float alpha, float beta, float* c, nint ci, float* bias)
    {
        Vector512<float> r00 = default, r01 = default, r10 = default, r11 = default;
        Vector512<float> r20 = default, r21 = default, r30 = default, r31 = default;
        var a1 = a + ai;
        var a2 = a + (2 * ai);
        var a3 = a + (3 * ai);
        for (var p = 0; p < k; p++, b += ldb)
        {
            var b0 = Avx512F.MaskLoad(b, m0, default);
            var b1 = two ? Avx512F.MaskLoad(b + 16, m1, default) : default;
            var o = p * ap;
            var s0 = Vector512.Create(a[o]);
            var s1 = Vector512.Create(a1[o]);
            var s2 = Vector512.Create(a2[o]);
            var s3 = Vector512.Create(a3[o]);
            r00 = Avx512F.FusedMultiplyAdd(s0, b0, r00);
            r01 = Avx512F.FusedMultiplyAdd(s0, b1, r01);
            r10 = Avx512F.FusedMultiplyAdd(s1, b0, r10);
            r11 = Avx512F.FusedMultiplyAdd(s1, b1, r11);
            r20 = Avx512F.FusedMultiplyAdd(s2, b0, r20);
            r21 = Avx512F.FusedMultiplyAdd(s2, b1, r21);
            r30 = Avx512F.FusedMultiplyAdd(s3, b0, r30);
            r31 = Avx512F.FusedMultiplyAdd(s3, b1, r31);
        }

        Store(c, r00, m0, alpha, beta, bias);
        Store(c + ci, r10, m0, alpha, beta, bias);
        Store(c + (2 * ci), r20, m0, alpha, beta, bias);
        Store(c + (3 * ci), r30, m0, alpha, beta, bias);
        if (two)
        {
            var bias1 = bias is null ? null : bias + 16;
            Store(c + 16, r01, m1, alpha, beta, bias1);
            Store(c + ci + 16, r11, m1, alpha, beta, bias1);
            Store(c + (2 * ci) + 16, r21, m1, alpha, beta, bias1);
            Store(c + (3 * ci) + 16, r31, m1, alpha, beta, bias1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, Vector512<float> mask, float alpha, float beta, float* bias)
    {
        var v = alpha == 1f ? acc : acc * Vector512.Create(alpha);
        if (beta != 0f)
        {
            v += Vector512.Create(beta) * Avx512F.MaskLoad(c, mask, default);
        }

        if (bias is not null)
        {
            v += Avx512F.MaskLoad(bias, mask, default);
        }

        Avx512F.MaskStore(c, mask, v);
    }

    /// <summary>All-ones lanes for the first <paramref name="count"/> (clamped to 0..16) of a Vector512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (n == 1 && !transA)
        {
            // Matrix-vector: C[i] = alpha · dot(A[i,:], op(B)[:,0]) + beta · C[i].
            var strideB = transB ? 1 : ldb;
            var bv = b;
            if (strideB != 1)
            {
                bv = GemmScratch.Small(k);
                for (var p = 0; p < k; p++)
                {
                    bv[p] = b[p * strideB];
                }
            }

            for (var i = 0; i < m; i++)
            {
                var dot = Dot(a + (i * lda), bv, k);
                ref var ci = ref c[i * ldc];
                ci = beta == 0f ? alpha * dot : (alpha * dot) + (beta * ci);
            }

            return;
        }

        if (transA && !transB && m > n)
        {
            // Aᵀ·B with a short output row (e.g. a weight gradient [out, in] with in ≪ out): accumulate Cᵀ in
            // scratch so that each update runs along a contiguous row of A (length m) instead of C's short rows.
            var ct = GemmScratch.Small(m * n);
            new Span<float>(ct, m * n).Clear();
            for (var p = 0; p < k; p++)
            {
                var ar = a + (p * lda);
                var br = b + (p * ldb);
                for (var j = 0; j < n; j++)
                {
                    Axpy(br[j], ar, ct + (j * m), m);
                }
            }

            for (var i = 0; i < m; i++)
            {
                var cr = c + (i * ldc);
                for (var j = 0; j < n; j++)
                {
                    cr[j] = beta == 0f ? alpha * ct[(j * m) + i] : (alpha * ct[(j * m) + i]) + (beta * cr[j]);
                }
            }

            return;
        }

        var bb = RowMajorB(transB, k, n, b, ldb, out var ldbb);

        for (var i = 0; i < m; i++)
        {
            var cr = c + (i * ldc);
            Scale(cr, n, beta);
            if (transA)
            {
                for (var p = 0; p < k; p++)
                {
                    Axpy(alpha * a[(p * lda) + i], bb + (p * ldbb), cr, n);
                }
            }
            else
            {
                var ar = a + (i * lda);
                for (var p = 0; p < k; p++)
                {
                    Axpy(alpha * ar[p], bb + (p * ldbb), cr, n);
                }
            }
        }
    }

    private static void Scale(float* y, int n, float beta)
    {
        if (beta == 0f)
        {
            new Span<float>(y, n).Clear();
        }
        else if (beta != 1f)
        {
            for (var j = 0; j < n; j++)
            {
                y[j] *= beta;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float s, float* x, float* y, int n)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(s);
            for (; j <= n - 16; j += 16)
            {
                Vector512.Store(Vector512.FusedMultiplyAdd(vs, Vector512.Load(x + j), Vector512.Load(y + j)), y + j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; j <= n - 8; j += 8)
            {
                Vector256.Store(Vector256.MultiplyAddEstimate(vs, Vector256.Load(x + j), Vector256.Load(y + j)), y + j);
            }
        }

        for (; j < n; j++)
        {
            y[j] = MathF.FusedMultiplyAdd(s, x[j], y[j]);
        }
    }

    private static float Dot(float* x, float* y, int n)
    {
        var j = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; j <= n - 8; j += 8)
            {
                acc = Vector256.MultiplyAddEstimate(Vector256.Load(x + j), Vector256.Load(y + j), acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; j < n; j++)
        {
            sum = MathF.FusedMultiplyAdd(x[j], y[j], sum);
        }

        return sum;
    }
}
