using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// Single-precision matrix multiply on row-major matrices:
/// C = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ, op(A) is m×k, op(B) is k×n, C is m×n.
/// </summary>
/// <remarks>
/// <para><c>lda</c>, <c>ldb</c>, <c>ldc</c> are row strides (elements between
/// consecutive rows of the stored matrix). The transposed forms read the stored matrix directly; no
/// transpose is materialized. When beta is 0, C is overwritten (NaNs in C do not propagate), as in BLAS;
/// when alpha is 0 or k is 0, A and B are not read and C becomes beta · C.</para>
/// <para>Large products run a packed, cache-blocked algorithm with a register-blocked FMA micro-kernel on
/// the widest vectors available (12×32 tiles of Vector512, 6×16 of Vector256, or 4×8 of Vector128) on all
/// cores through the shared worker pool; small products take a direct vectorized path on the calling
/// thread. <see cref="GemmReference"/> is the scalar reference used by the tests.</para>
/// </remarks>
public static class Gemm
{
    internal static readonly ThreadOverride Workers = new();

    /// <summary>The micro-kernel this machine uses.</summary>
    internal static GemmKernelKind BestKernel { get; } =
        Vector512.IsHardwareAccelerated ? GemmKernelKind.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Vector256
        : GemmKernelKind.Vector128;

    /// <summary>The micro-kernel in use.</summary>
    internal static GemmKernelKind Kernel => BestKernel;

    /// <summary>Most threads one multiplication uses (at least 1): <see cref="Threads.Max"/> unless set here, which overrides it
    /// for this kind of work until <see cref="Threads.Max"/> is set.</summary>
    public static int MaxWorkers
    {
        get => Workers.Value;
        set => Workers.Value = value;
    }

    /// <summary>A short description of the kernel in use, e.g. "Vector512 12x32" (for reports).</summary>
    public static string KernelDescription => Kernel switch
    {
        GemmKernelKind.Vector512 => $"Vector512 {GemmKernels.Mr512}x{GemmKernels.Nr512}",
        GemmKernelKind.Vector256 => $"Vector256 {GemmKernels.Mr256}x{GemmKernels.Nr256}",
        _ => $"Vector128 {GemmKernels.Mr128}x{GemmKernels.Nr128}",
    };

    /// <summary>Computes C = alpha · op(A) · op(B) + beta · C (the fast path).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a leading dimension is
    /// smaller than its row length.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
    public static unsafe void Multiply(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckMatrix(c, nameof(c), m, n, ldc, nameof(ldc));
        if (m == 0 || n == 0 || k == 0 || alpha == 0f)
        {
            Run(Kernel, GemmSmall.Threshold, MaxWorkers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        CheckMatrix(a, nameof(a), transA ? k : m, transA ? m : k, lda, nameof(lda));
        CheckMatrix(b, nameof(b), transB ? n : k, transB ? k : n, ldb, nameof(ldb));

        Run(Kernel, GemmSmall.Threshold, MaxWorkers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// Computes C = op(A) · op(B) and applies <paramref name="epilogue"/> (bias, pre-activation copy, activation) to each
    /// tile of C as the packed path finishes it, so C is written once; small products apply it in one pass afterwards.
    /// Arguments are validated as by <see cref="Multiply"/>; the epilogue's buffers must hold m × n (pre-activation) and
    /// n (bias) values.
    /// </summary>
    internal static unsafe void MultiplyFused(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, in GemmEpilogue epilogue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckMatrix(c, nameof(c), m, n, ldc, nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k > 0)
        {
            CheckMatrix(a, nameof(a), transA ? k : m, transA ? m : k, lda, nameof(lda));
            CheckMatrix(b, nameof(b), transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (k == 0 || (long)m * n * k <= GemmSmall.Threshold)
            {
                Run(Kernel, GemmSmall.Threshold, 1, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
                epilogue.Apply(pc, ldc, 0, 0, m, n);
            }
            else
            {
                GemmPacked.Run(Kernel, transA, transB, m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, ldc, MaxWorkers, epilogue);
            }
        }
    }

    /// <summary>
    /// Computes C_i = alpha · op(A_i) · op(B_i) + beta · C_i for i &lt; <paramref name="batch"/>, where matrix i of each
    /// operand starts <c>i · stride</c> elements into its span (a stride of 0 uses one matrix for every product, e.g. a
    /// shared B). Small products are spread across cores by product instead of within each product, and narrow ones
    /// (n ≤ 32) run a direct kernel instead of the packed one (results equal <see cref="Multiply"/>'s within float
    /// rounding); the results do not depend on the worker count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension, the batch or a stride is negative, a leading
    /// dimension is smaller than its row length, or C's stride makes products overlap.</exception>
    /// <exception cref="ArgumentException">A span is too short for its batch of matrices.</exception>
    public static unsafe void MultiplyBatched(
        int batch, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var extentC = MatrixExtent(m, n, ldc);
        if (batch > 1 && strideC < extentC)
        {
            throw new ArgumentOutOfRangeException(nameof(strideC), strideC,
                $"the products' outputs overlap: C's stride must be at least one {m}x{n} matrix with row stride {ldc} ({extentC} elements)");
        }

        if (batch == 0 || m == 0 || n == 0)
        {
            return;
        }

        var reads = k != 0 && alpha != 0f;
        var extentA = reads ? MatrixExtent(transA ? k : m, transA ? m : k, lda) : 0;
        var extentB = reads ? MatrixExtent(transB ? n : k, transB ? k : n, ldb) : 0;
        CheckMatrix(c, nameof(c), m, n, ldc, nameof(ldc));
        CheckBatch(c.Length, nameof(c), batch, strideC, extentC);
        if (reads)
        {
            CheckMatrix(a, nameof(a), transA ? k : m, transA ? m : k, lda, nameof(lda));
            CheckMatrix(b, nameof(b), transB ? n : k, transB ? k : n, ldb, nameof(ldb));
            CheckBatch(a.Length, nameof(a), batch, strideA, extentA);
            CheckBatch(b.Length, nameof(b), batch, strideB, extentB);
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            GemmBatched.Run(Kernel, MaxWorkers, batch, transA, transB, m, n, k, alpha,
                pa, lda, strideA, extentA, pb, ldb, strideB, extentB, beta, pc, ldc, strideC, extentC);
        }
    }

    /// <summary>Multiplies with an explicit kernel, small-path threshold and worker count (for tests and
    /// benchmarks; arguments not validated).</summary>
    internal static unsafe void Run(
        GemmKernelKind kind, long smallThreshold, int workers, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(c, m, n, ldc, beta);
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if ((long)m * n * k <= smallThreshold)
            {
                GemmSmall.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
            else if (beta == 0f && GemmPacked.PrefersTransposed(kind, m, n))
            {
                Transposed(kind, workers, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, pc, ldc);
            }
            else
            {
                GemmPacked.Run(kind, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, workers);
            }
        }
    }

    /// <summary>
    /// C = alpha · op(A) · op(B) for a C with few columns (e.g. a LoRA adapter's x·Aᵀ, [rows, r]): the packed path computes
    /// Cᵀ = op(B)ᵀ · op(A)ᵀ, whose few rows fill MR-high tiles where C's few columns would leave most of each NR-wide tile
    /// padding, into scratch, then transposes it into C. Every element is the same fused multiply-adds over the same k-slices
    /// in the same order as the direct form, stored by the same edge-tile formula (<see cref="GemmPacked.PrefersTransposed"/>),
    /// so the result is identical (beta = 0 only: C is overwritten).
    /// </summary>
    private static unsafe void Transposed(
        GemmKernelKind kind, int workers, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        var buffer = ArrayPoolBuffer.Rent(m * n);
        fixed (float* t = buffer)
        {
            GemmPacked.Run(kind, !transB, !transA, n, m, k, alpha, b, ldb, a, lda, 0f, t, m, workers);
            for (var i = 0; i < m; i++)
            {
                var row = c + ((nint)i * ldc);
                for (var j = 0; j < n; j++)
                {
                    row[j] = t[((nint)j * m) + i];
                }
            }
        }

        ArrayPoolBuffer.Return(buffer);
    }

    private static void CheckMatrix(ReadOnlySpan<float> x, string name, int rows, int cols, int ld, string ldName)
    {
        if (ld < cols || ld < 0)
        {
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"the row stride must be at least the row length {cols}");
        }

        if (rows > 0 && cols > 0 && x.Length < ((long)(rows - 1) * ld) + cols)
        {
            throw new ArgumentException(
                $"a {rows}x{cols} matrix with row stride {ld} needs {((long)(rows - 1) * ld) + cols} elements, got {x.Length}",
                name);
        }
    }

    /// <summary>Elements a rows × cols matrix with row stride ld spans (0 when empty).</summary>
    private static long MatrixExtent(int rows, int cols, int ld) =>
        rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * ld) + cols;

    private static void CheckBatch(int length, string name, int batch, long stride, long extent)
    {
        var needed = ((batch - 1) * stride) + extent;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{batch} matrices of {extent} elements {stride} elements apart need {needed} elements, got {length}", name);
        }
    }

    private static void ScaleC(Span<float> c, int m, int n, int ldc, float beta)
    {
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }
}
