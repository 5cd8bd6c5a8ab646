using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Autodiff.Ops;

/// <summary>
/// The small products of the fused attention (<see cref="AttentionOp"/>) on one (batch, head) block held in cache:
/// C (=, +=) A·B with B row-major and A either row-major or column-major (the transposed operand of dV = P̃ᵀ·dO and
/// dK = dSᵀ·Q), in register tiles of 8 rows × 32 columns (16 <see cref="Vector512{T}"/> accumulators) and 8 × 16.
/// </summary>
/// <remarks>The callers pad every dimension: m a multiple of 8, n a multiple of 16, padding rows and columns of the
/// operands zero. Each element of C sums over the depth in order, so the result does not depend on how rows are split
/// across threads.</remarks>
internal static unsafe class AttentionTiles
{
    /// <summary>Permute indices of the transpose rounds (<see cref="Transpose16"/>): round b's row with the bit clear
    /// (Low) and set (High).</summary>
    private static readonly Vector512<int> Low0 = Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
    private static readonly Vector512<int> High0 = Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
    private static readonly Vector512<int> Low1 = Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
    private static readonly Vector512<int> High1 = Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    private static readonly Vector512<int> Low2 = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
    private static readonly Vector512<int> High2 = Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
    private static readonly Vector512<int> Low3 = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    private static readonly Vector512<int> High3 = Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);

    /// <summary>Rows of a register tile.</summary>
    public const int TileRows = 8;

    /// <summary>Columns of a vector (16 floats).</summary>
    public const int Width = 16;

    /// <summary>C[m×n] (+)= A[m×k]·B[k×n], A row-major (A(r, p) = a[r·lda + p]).</summary>
    public static void RowMajorTimes(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate) =>
        Multiply<RowMajor>(m, n, k, a, lda, b, ldb, c, ldc, accumulate, 1f, null);

    /// <summary>C[m×n] = alpha·A[m×k]·B[k×n] + columnBias[j] on every row (A row-major): the attention scores with the
    /// mask bias added as they are stored.</summary>
    public static void RowMajorTimes(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float* columnBias) =>
        Multiply<RowMajor>(m, n, k, a, lda, b, ldb, c, ldc, false, alpha, columnBias);

    /// <summary>C[m×n] (+)= A[m×k]·B[k×n], A column-major (A(r, p) = a[p·lda + r]: the transpose of a row-major k×m
    /// matrix).</summary>
    public static void ColumnMajorTimes(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate) =>
        Multiply<ColumnMajor>(m, n, k, a, lda, b, ldb, c, ldc, accumulate, 1f, null);

    /// <summary>The transpose of a 16 × 16 block: dst[c·ldd + r] = src[r·lds + c] (AVX-512: four rounds of two-source
    /// permutes, round b exchanging bit b of the row index with bit b of the column index: the row with the bit clear takes
    /// element c &amp; ~bit of (c &amp; bit ? the other row : itself), the row with the bit set element c | bit).</summary>
    public static void Transpose16(float* src, nint lds, float* dst, nint ldd)
    {
        if (!Avx512F.IsSupported)
        {
            for (var r = 0; r < Width; r++)
            {
                for (var c = 0; c < Width; c++)
                {
                    dst[(c * ldd) + r] = src[(r * lds) + c];
                }
            }

            return;
        }

        Vector512<float> x0 = Vector512.Load(src), x1 = Vector512.Load(src + lds), x2 = Vector512.Load(src + (2 * lds)), x3 = Vector512.Load(src + (3 * lds));
        Vector512<float> x4 = Vector512.Load(src + (4 * lds)), x5 = Vector512.Load(src + (5 * lds)), x6 = Vector512.Load(src + (6 * lds)), x7 = Vector512.Load(src + (7 * lds));
        Vector512<float> x8 = Vector512.Load(src + (8 * lds)), x9 = Vector512.Load(src + (9 * lds)), x10 = Vector512.Load(src + (10 * lds)), x11 = Vector512.Load(src + (11 * lds));
        Vector512<float> x12 = Vector512.Load(src + (12 * lds)), x13 = Vector512.Load(src + (13 * lds)), x14 = Vector512.Load(src + (14 * lds)), x15 = Vector512.Load(src + (15 * lds));
        // Round 1: rows r and r + 1 exchange.
        (x0, x1) = (Avx512F.PermuteVar16x32x2(x0, Low0, x1), Avx512F.PermuteVar16x32x2(x0, High0, x1));
        (x2, x3) = (Avx512F.PermuteVar16x32x2(x2, Low0, x3), Avx512F.PermuteVar16x32x2(x2, High0, x3));
        (x4, x5) = (Avx512F.PermuteVar16x32x2(x4, Low0, x5), Avx512F.PermuteVar16x32x2(x4, High0, x5));
        (x6, x7) = (Avx512F.PermuteVar16x32x2(x6, Low0, x7), Avx512F.PermuteVar16x32x2(x6, High0, x7));
        (x8, x9) = (Avx512F.PermuteVar16x32x2(x8, Low0, x9), Avx512F.PermuteVar16x32x2(x8, High0, x9));
        (x10, x11) = (Avx512F.PermuteVar16x32x2(x10, Low0, x11), Avx512F.PermuteVar16x32x2(x10, High0, x11));
        (x12, x13) = (Avx512F.PermuteVar16x32x2(x12, Low0, x13), Avx512F.PermuteVar16x32x2(x12, High0, x13));
        (x14, x15) = (Avx512F.PermuteVar16x32x2(x14, Low0, x15), Avx512F.PermuteVar16x32x2(x14, High0, x15));
        // Round 2: rows r and r + 2 exchange.
        (x0, x2) = (Avx512F.PermuteVar16x32x2(x0, Low1, x2), Avx512F.PermuteVar16x32x2(x0, High1, x2));
        (x1, x3) = (Avx512F.PermuteVar16x32x2(x1, Low1, x3), Avx512F.PermuteVar16x32x2(x1, High1, x3));
        (x4, x6) = (Avx512F.PermuteVar16x32x2(x4, Low1, x6), Avx512F.PermuteVar16x32x2(x4, High1, x6));
        (x5, x7) = (Avx512F.PermuteVar16x32x2(x5, Low1, x7), Avx512F.PermuteVar16x32x2(x5, High1, x7));
        (x8, x10) = (Avx512F.PermuteVar16x32x2(x8, Low1, x10), Avx512F.PermuteVar16x32x2(x8, High1, x10));
        (x9, x11) = (Avx512F.PermuteVar16x32x2(x9, Low1, x11), Avx512F.PermuteVar16x32x2(x9, High1, x11));
        (x12, x14) = (Avx512F.PermuteVar16x32x2(x12, Low1, x14), Avx512F.PermuteVar16x32x2(x12, High1, x14));
        (x13, x15) = (Avx512F.PermuteVar16x32x2(x13, Low1, x15), Avx512F.PermuteVar16x32x2(x13, High1, x15));
        // Round 3: rows r and r + 4 exchange.
        (x0, x4) = (Avx512F.PermuteVar16x32x2(x0, Low2, x4), Avx512F.PermuteVar16x32x2(x0, High2, x4));
        (x1, x5) = (Avx512F.PermuteVar16x32x2(x1, Low2, x5), Avx512F.PermuteVar16x32x2(x1, High2, x5));
        (x2, x6) = (Avx512F.PermuteVar16x32x2(x2, Low2, x6), Avx512F.PermuteVar16x32x2(x2, High2, x6));
        (x3, x7) = (Avx512F.PermuteVar16x32x2(x3, Low2, x7), Avx512F.PermuteVar16x32x2(x3, High2, x7));
        (x8, x12) = (Avx512F.PermuteVar16x32x2(x8, Low2, x12), Avx512F.PermuteVar16x32x2(x8, High2, x12));
        (x9, x13) = (Avx512F.PermuteVar16x32x2(x9, Low2, x13), Avx512F.PermuteVar16x32x2(x9, High2, x13));
        (x10, x14) = (Avx512F.PermuteVar16x32x2(x10, Low2, x14), Avx512F.PermuteVar16x32x2(x10, High2, x14));
        (x11, x15) = (Avx512F.PermuteVar16x32x2(x11, Low2, x15), Avx512F.PermuteVar16x32x2(x11, High2, x15));
        // Round 4: rows r and r + 8 exchange.
        (x0, x8) = (Avx512F.PermuteVar16x32x2(x0, Low3, x8), Avx512F.PermuteVar16x32x2(x0, High3, x8));
        (x1, x9) = (Avx512F.PermuteVar16x32x2(x1, Low3, x9), Avx512F.PermuteVar16x32x2(x1, High3, x9));
        (x2, x10) = (Avx512F.PermuteVar16x32x2(x2, Low3, x10), Avx512F.PermuteVar16x32x2(x2, High3, x10));
        (x3, x11) = (Avx512F.PermuteVar16x32x2(x3, Low3, x11), Avx512F.PermuteVar16x32x2(x3, High3, x11));
        (x4, x12) = (Avx512F.PermuteVar16x32x2(x4, Low3, x12), Avx512F.PermuteVar16x32x2(x4, High3, x12));
        (x5, x13) = (Avx512F.PermuteVar16x32x2(x5, Low3, x13), Avx512F.PermuteVar16x32x2(x5, High3, x13));
        (x6, x14) = (Avx512F.PermuteVar16x32x2(x6, Low3, x14), Avx512F.PermuteVar16x32x2(x6, High3, x14));
        (x7, x15) = (Avx512F.PermuteVar16x32x2(x7, Low3, x15), Avx512F.PermuteVar16x32x2(x7, High3, x15));

        x0.Store(dst);
        x1.Store(dst + ldd);
        x2.Store(dst + (2 * ldd));
        x3.Store(dst + (3 * ldd));
        x4.Store(dst + (4 * ldd));
        x5.Store(dst + (5 * ldd));
        x6.Store(dst + (6 * ldd));
        x7.Store(dst + (7 * ldd));
        x8.Store(dst + (8 * ldd));
        x9.Store(dst + (9 * ldd));
        x10.Store(dst + (10 * ldd));
        x11.Store(dst + (11 * ldd));
        x12.Store(dst + (12 * ldd));
        x13.Store(dst + (13 * ldd));
        x14.Store(dst + (14 * ldd));
        x15.Store(dst + (15 * ldd));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Multiply<TLayout>(int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
        float alpha, float* columnBias)
        where TLayout : struct, ILayout
    {
        var rowStep = TLayout.RowStride(lda) * TileRows;
        for (var i = 0; i < m; i += TileRows, a += rowStep, c += TileRows * ldc)
        {
            var j = 0;
            for (; j + (2 * Width) <= n; j += 2 * Width)
            {
                Tile32<TLayout>(k, a, lda, b + j, ldb, c + j, ldc, accumulate, alpha, columnBias is null ? null : columnBias + j);
            }

            if (j < n)
            {
                Tile16<TLayout>(k, a, lda, b + j, ldb, c + j, ldc, accumulate, alpha, columnBias is null ? null : columnBias + j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile32<TLayout>(int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
        float alpha, float* bias)
        where TLayout : struct, ILayout
    {
        nint r1 = TLayout.RowStride(lda), r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        var depth = TLayout.DepthStride(lda);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < k; p++, a += depth, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + Width);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[r1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[r2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[r3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[r4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[r5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[r6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[r7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
        }

        if (bias is not null)
        {
            var va = Vector512.Create(alpha);
            Vector512<float> b0 = Vector512.Load(bias), b1 = Vector512.Load(bias + Width);
            StoreBiased(c, c00, c01, va, b0, b1);
            StoreBiased(c + ldc, c10, c11, va, b0, b1);
            StoreBiased(c + (2 * ldc), c20, c21, va, b0, b1);
            StoreBiased(c + (3 * ldc), c30, c31, va, b0, b1);
            StoreBiased(c + (4 * ldc), c40, c41, va, b0, b1);
            StoreBiased(c + (5 * ldc), c50, c51, va, b0, b1);
            StoreBiased(c + (6 * ldc), c60, c61, va, b0, b1);
            StoreBiased(c + (7 * ldc), c70, c71, va, b0, b1);
            return;
        }

        Store(c, c00, c01, accumulate);
        Store(c + ldc, c10, c11, accumulate);
        Store(c + (2 * ldc), c20, c21, accumulate);
        Store(c + (3 * ldc), c30, c31, accumulate);
        Store(c + (4 * ldc), c40, c41, accumulate);
        Store(c + (5 * ldc), c50, c51, accumulate);
        Store(c + (6 * ldc), c60, c61, accumulate);
        Store(c + (7 * ldc), c70, c71, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile16<TLayout>(int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
        float alpha, float* bias)
        where TLayout : struct, ILayout
    {
        nint r1 = TLayout.RowStride(lda), r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        var depth = TLayout.DepthStride(lda);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (var p = 0; p < k; p++, a += depth, b += ldb)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[r7]), b0, c7);
        }

        if (bias is not null)
        {
            var va = Vector512.Create(alpha);
            var b0 = Vector512.Load(bias);
            Vector512.FusedMultiplyAdd(c0, va, b0).Store(c);
            Vector512.FusedMultiplyAdd(c1, va, b0).Store(c + ldc);
            Vector512.FusedMultiplyAdd(c2, va, b0).Store(c + (2 * ldc));
            Vector512.FusedMultiplyAdd(c3, va, b0).Store(c + (3 * ldc));
            Vector512.FusedMultiplyAdd(c4, va, b0).Store(c + (4 * ldc));
            Vector512.FusedMultiplyAdd(c5, va, b0).Store(c + (5 * ldc));
            Vector512.FusedMultiplyAdd(c6, va, b0).Store(c + (6 * ldc));
            Vector512.FusedMultiplyAdd(c7, va, b0).Store(c + (7 * ldc));
            return;
        }

        Store(c, c0, accumulate);
        Store(c + ldc, c1, accumulate);
        Store(c + (2 * ldc), c2, accumulate);
        Store(c + (3 * ldc), c3, accumulate);
        Store(c + (4 * ldc), c4, accumulate);
        Store(c + (5 * ldc), c5, accumulate);
        Store(c + (6 * ldc), c6, accumulate);
        Store(c + (7 * ldc), c7, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBiased(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha, Vector512<float> b0, Vector512<float> b1)
    {
        Vector512.FusedMultiplyAdd(x0, alpha, b0).Store(c);
        Vector512.FusedMultiplyAdd(x1, alpha, b1).Store(c + Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x0, Vector512<float> x1, bool accumulate)
    {
        Store(c, x0, accumulate);
        Store(c + Width, x1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x, bool accumulate)
    {
        if (accumulate)
        {
            x += Vector512.Load(c);
        }

        x.Store(c);
    }

    /// <summary>Where A(r, p) lies: a[r·RowStride + p·DepthStride].</summary>
    private interface ILayout
    {
        static abstract nint RowStride(nint ld);

        static abstract nint DepthStride(nint ld);
    }

    private readonly struct RowMajor : ILayout
    {
        public static nint RowStride(nint ld) => ld;

        public static nint DepthStride(nint ld) => 1;
    }

    private readonly struct ColumnMajor : ILayout
    {
        public static nint RowStride(nint ld) => 1;

        public static nint DepthStride(nint ld) => ld;
    }
}
