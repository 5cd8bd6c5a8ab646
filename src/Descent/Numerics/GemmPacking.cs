using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// Packing routines of <see cref="GemmPacked"/>: copy a slice of op(A) or op(B) into R-wide panels laid out
/// for the micro-kernel (element (r, p) of a panel at <c>dst[p·R + r]</c>), zero-padding rows past the edge.
/// </summary>
/// <remarks>Two source shapes occur. <see cref="Gather"/>: each of the R panel rows is a contiguous run along
/// p in the stored matrix (A·B's A, A·Bᵀ's B), so packing is a transpose; it runs as 8×8 and 4×8 register
/// transposes (AVX). <see cref="Copy"/>: each p holds R contiguous values (Aᵀ·B's A, A·B's B), so packing is
/// a strided copy. Both have scalar fallbacks for edge panels and machines without AVX.</remarks>
internal static unsafe class GemmPacking
{
    /// <summary>dst[p·R + r] = src[r·ld + p] for r &lt; rows, p &lt; kc; rows in [rows, R) are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(float* dst, int panelWidth, float* src, nint ld, int rows, int kc)
    {
        var r0 = 0;
        if (Avx.IsSupported && rows == panelWidth)
        {
            var k8 = kc & ~7;
            for (; r0 + 8 <= rows; r0 += 8)
            {
                Transpose8(dst + r0, panelWidth, src + (r0 * ld), ld, k8);
            }

            for (; r0 + 4 <= rows; r0 += 4)
            {
                Transpose4(dst + r0, panelWidth, src + (r0 * ld), ld, k8);
            }

            if (r0 == rows)
            {
                // Only the k tail remains (all rows).
                for (var p = k8; p < kc; p++)
                {
                    var d = dst + (p * panelWidth);
                    for (var r = 0; r < rows; r++)
                    {
                        d[r] = src[(r * ld) + p];
                    }
                }

                return;
            }

            // Rows r0.. (fewer than 4) still need every p; rows below r0 only the tail.
            for (var p = k8; p < kc; p++)
            {
                var d = dst + (p * panelWidth);
                for (var r = 0; r < r0; r++)
                {
                    d[r] = src[(r * ld) + p];
                }
            }
        }

        for (var r = r0; r < rows; r++)
        {
            var s = src + (r * ld);
            var d = dst + r;
            for (var p = 0; p < kc; p++)
            {
                d[p * panelWidth] = s[p];
            }
        }

        ZeroPad(dst, panelWidth, rows, kc);
    }

    /// <summary>dst[p·R + j] = src[p·ld + j] for j &lt; cols, p &lt; kc; columns in [cols, R) are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(float* dst, int panelWidth, float* src, nint ld, int cols, int kc)
    {
        if (cols == panelWidth)
        {
            switch (panelWidth)
            {
                case 32 when Vector512.IsHardwareAccelerated:
                    for (var p = 0; p < kc; p++)
                    {
                        var s = src + (p * ld);
                        Vector512.Store(Vector512.Load(s), dst);
                        Vector512.Store(Vector512.Load(s + 16), dst + 16);
                        dst += 32;
                    }

                    return;
                case 12 when Vector256.IsHardwareAccelerated:
                    for (var p = 0; p < kc; p++)
                    {
                        var s = src + (p * ld);
                        Vector256.Store(Vector256.Load(s), dst);
                        Vector128.Store(Vector128.Load(s + 8), dst + 8);
                        dst += 12;
                    }

                    return;
                default:
                    var bytes = (uint)(panelWidth * sizeof(float));
                    for (var p = 0; p < kc; p++)
                    {
                        Unsafe.CopyBlockUnaligned(dst, src + (p * ld), bytes);
                        dst += panelWidth;
                    }

                    return;
            }
        }

        for (var p = 0; p < kc; p++)
        {
            var s = src + (p * ld);
            var d = dst + (p * panelWidth);
            for (var j = 0; j < cols; j++)
            {
                d[j] = s[j];
            }

            for (var j = cols; j < panelWidth; j++)
            {
                d[j] = 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ZeroPad(float* dst, int panelWidth, int rows, int kc)
    {
        if (rows >= panelWidth)
        {
            return;
        }

        for (var p = 0; p < kc; p++)
        {
            var d = dst + (p * panelWidth);
            for (var r = rows; r < panelWidth; r++)
            {
                d[r] = 0f;
            }
        }
    }

    /// <summary>Transposes 8 source rows × k8 (a multiple of 8) into dst[p·R + 0..8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* dst, int panelWidth, float* src, nint ld, int k8)
    {
        for (var p = 0; p < k8; p += 8)
        {
            var s = src + p;
            var (s0, s1, s2, s3) = Interleave4(
                Vector256.Load(s), Vector256.Load(s + ld), Vector256.Load(s + (2 * ld)), Vector256.Load(s + (3 * ld)));
            s += 4 * ld;
            var (s4, s5, s6, s7) = Interleave4(
                Vector256.Load(s), Vector256.Load(s + ld), Vector256.Load(s + (2 * ld)), Vector256.Load(s + (3 * ld)));
            var d = dst + (p * panelWidth);
            Vector256.Store(Avx.Permute2x128(s0, s4, 0x20), d);
            Vector256.Store(Avx.Permute2x128(s1, s5, 0x20), d + panelWidth);
            Vector256.Store(Avx.Permute2x128(s2, s6, 0x20), d + (2 * panelWidth));
            Vector256.Store(Avx.Permute2x128(s3, s7, 0x20), d + (3 * panelWidth));
            Vector256.Store(Avx.Permute2x128(s0, s4, 0x31), d + (4 * panelWidth));
            Vector256.Store(Avx.Permute2x128(s1, s5, 0x31), d + (5 * panelWidth));
            Vector256.Store(Avx.Permute2x128(s2, s6, 0x31), d + (6 * panelWidth));
            Vector256.Store(Avx.Permute2x128(s3, s7, 0x31), d + (7 * panelWidth));
        }
    }

    /// <summary>Transposes 4 source rows × k8 (a multiple of 8) into dst[p·R + 0..4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(float* dst, int panelWidth, float* src, nint ld, int k8)
    {
        for (var p = 0; p < k8; p += 8)
        {
            var s = src + p;
            var (s0, s1, s2, s3) = Interleave4(
                Vector256.Load(s), Vector256.Load(s + ld), Vector256.Load(s + (2 * ld)), Vector256.Load(s + (3 * ld)));
            var d = dst + (p * panelWidth);
            Vector128.Store(s0.GetLower(), d);
            Vector128.Store(s1.GetLower(), d + panelWidth);
            Vector128.Store(s2.GetLower(), d + (2 * panelWidth));
            Vector128.Store(s3.GetLower(), d + (3 * panelWidth));
            Vector128.Store(s0.GetUpper(), d + (4 * panelWidth));
            Vector128.Store(s1.GetUpper(), d + (5 * panelWidth));
            Vector128.Store(s2.GetUpper(), d + (6 * panelWidth));
            Vector128.Store(s3.GetUpper(), d + (7 * panelWidth));
        }
    }

    /// <summary>Rows a, b, c, d (8 values each) to four vectors holding columns (j, j+4) for j = 0..3:
    /// result q = [a_q b_q c_q d_q | a_{q+4} b_{q+4} c_{q+4} d_{q+4}].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Interleave4(
        Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        var t0 = Avx.UnpackLow(a, b);
        var t1 = Avx.UnpackHigh(a, b);
        var t2 = Avx.UnpackLow(c, d);
        var t3 = Avx.UnpackHigh(c, d);
        return (Avx.Shuffle(t0, t2, 0x44), Avx.Shuffle(t0, t2, 0xEE), Avx.Shuffle(t1, t3, 0x44), Avx.Shuffle(t1, t3, 0xEE));
    }
}
