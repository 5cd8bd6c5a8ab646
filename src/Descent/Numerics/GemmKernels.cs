using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// Register-blocked micro-kernels of <see cref="Gemm"/>: each multiplies a packed MR×kc panel of A by a packed
/// kc×NR panel of B with FMAs and writes C = alpha·acc + beta·C (beta 0 overwrites) for one full MR×NR tile.
/// </summary>
/// <remarks>Packed A holds MR values per k (row r at a[p·MR + r]); packed B holds NR values per k
/// (column j at b[p·NR + j]).</remarks>
internal static unsafe class GemmKernels
{

    /// <summary>AVX-512 tile height.</summary>
    public const int Mr512 = 12;

    /// <summary>AVX-512 tile width (two 16-float vectors).</summary>
    public const int Nr512 = 32;

    /// <summary>256-bit tile height.</summary>
    public const int Mr256 = 6;

    /// <summary>256-bit tile width (two 8-float vectors).</summary>
    public const int Nr256 = 16;

    /// <summary>128-bit tile height.</summary>
    public const int Mr128 = 4;

    /// <summary>128-bit tile width (two 4-float vectors).</summary>
    public const int Nr128 = 8;

    /// <summary>12×32 tile with 24 Vector512 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        // Start loading the C tile now (it is read at the end, ~12·kc cycles from here): C does not stay in
        // cache between k-slices of large products, and its load latency would otherwise stall every tile.
        for (var r = 0; r < Mr512; r++)
        {
            var row = c + (r * ldc);
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 16);
            Sse.Prefetch0(row + 31);
        }

        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<float> ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(av, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(av, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Vector512.FusedMultiplyAdd(av, b0, ca0);
            ca1 = Vector512.FusedMultiplyAdd(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Vector512.FusedMultiplyAdd(av, b0, cb0);
            cb1 = Vector512.FusedMultiplyAdd(av, b1, cb1);
            a += Mr512;
            b += Nr512;
        }

        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Store0(c, c00, c01, va);
            Store0(c + ldc, c10, c11, va);
            Store0(c + (2 * ldc), c20, c21, va);
            Store0(c + (3 * ldc), c30, c31, va);
            Store0(c + (4 * ldc), c40, c41, va);
            Store0(c + (5 * ldc), c50, c51, va);
            Store0(c + (6 * ldc), c60, c61, va);
            Store0(c + (7 * ldc), c70, c71, va);
            Store0(c + (8 * ldc), c80, c81, va);
            Store0(c + (9 * ldc), c90, c91, va);
            Store0(c + (10 * ldc), ca0, ca1, va);
            Store0(c + (11 * ldc), cb0, cb1, va);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Store(c, c00, c01, va, vb);
            Store(c + ldc, c10, c11, va, vb);
            Store(c + (2 * ldc), c20, c21, va, vb);
            Store(c + (3 * ldc), c30, c31, va, vb);
            Store(c + (4 * ldc), c40, c41, va, vb);
            Store(c + (5 * ldc), c50, c51, va, vb);
            Store(c + (6 * ldc), c60, c61, va, vb);
            Store(c + (7 * ldc), c70, c71, va, vb);
            Store(c + (8 * ldc), c80, c81, va, vb);
            Store(c + (9 * ldc), c90, c91, va, vb);
            Store(c + (10 * ldc), ca0, ca1, va, vb);
            Store(c + (11 * ldc), cb0, cb1, va, vb);
        }
    }

    /// <summary>6×16 tile with 12 Vector256 accumulators (AVX2 + FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += Mr256;
            b += Nr256;
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        var accumulate = beta != 0f;
        Store(c, c00, c01, va, vb, accumulate);
        Store(c + ldc, c10, c11, va, vb, accumulate);
        Store(c + (2 * ldc), c20, c21, va, vb, accumulate);
        Store(c + (3 * ldc), c30, c31, va, vb, accumulate);
        Store(c + (4 * ldc), c40, c41, va, vb, accumulate);
        Store(c + (5 * ldc), c50, c51, va, vb, accumulate);
    }

    /// <summary>4×8 tile with 8 Vector128 accumulators (any SIMD ISA; multiply-add fused where available).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel128(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var av = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(av, b1, c01);
            av = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(av, b1, c11);
            av = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(av, b1, c21);
            av = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(av, b1, c31);
            a += Mr128;
            b += Nr128;
        }

        var va = Vector128.Create(alpha);
        var vb = Vector128.Create(beta);
        var accumulate = beta != 0f;
        Store(c, c00, c01, va, vb, accumulate);
        Store(c + ldc, c10, c11, va, vb, accumulate);
        Store(c + (2 * ldc), c20, c21, va, vb, accumulate);
        Store(c + (3 * ldc), c30, c31, va, vb, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store0(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va)
    {
        Vector512.Store(x0 * va, c);
        Vector512.Store(x1 * va, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va, Vector512<float> vb)
    {
        Vector512.Store(Vector512.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb), c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb, bool accumulate)
    {
        if (accumulate)
        {
            Vector256.Store((x0 * va) + (Vector256.Load(c) * vb), c);
            Vector256.Store((x1 * va) + (Vector256.Load(c + 8) * vb), c + 8);
        }
        else
        {
            Vector256.Store(x0 * va, c);
            Vector256.Store(x1 * va, c + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> va, Vector128<float> vb, bool accumulate)
    {
        if (accumulate)
        {
            Vector128.Store((x0 * va) + (Vector128.Load(c) * vb), c);
            Vector128.Store((x1 * va) + (Vector128.Load(c + 4) * vb), c + 4);
        }
        else
        {
            Vector128.Store(x0 * va, c);
            Vector128.Store(x1 * va, c + 4);
        }
    }
}
