using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Numerics;

/// <summary>
/// The direct path of <see cref="Gemm"/> for small products (e.g. a tiny MLP's 256×2·2×16): no packing, no
/// threads. Each row of C is scaled by beta and then accumulates alpha·op(A)[i,p] · op(B)[p,:] with vector
/// multiply-adds over n; a transposed B is first copied into a k×n scratch (small by definition).
/// </summary>
internal static unsafe class GemmSmall
{
    /// <summary>Largest m·n·k that takes the direct path.</summary>
    internal static long Threshold { get; set; } = 48L * 48 * 48;

    /// <summary>Runs one multiplication (arguments validated by <see cref="Gemm"/>; m, n, k &gt; 0).</summary>
    public static void Run(
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

        var bb = b;
        var ldbb = ldb;
        if (transB)
        {
            bb = GemmScratch.Small(k * n);
            ldbb = n;
            for (var j = 0; j < n; j++)
            {
                var src = b + (j * ldb);
                for (var p = 0; p < k; p++)
                {
                    bb[(p * n) + j] = src[p];
                }
            }
        }

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
