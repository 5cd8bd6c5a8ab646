using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// The batched form of <see cref="Gemm"/> (<see cref="Gemm.MultiplyBatched"/>): many independent products of one
/// shape. Small products (attention's per-head 128 × 32 · 32 × 128) are split across workers by product, each run on
/// one thread, because handing one such product to the pool costs more than it computes; large ones run one after
/// another, each on all workers. Narrow small products (n ≤ 32) take <see cref="GemmSmall"/>'s direct kernel, others
/// the path a single call takes; the choice depends on the shape only, so the results do not depend on the worker count.
/// </summary>
internal sealed unsafe class GemmBatched : IWorkerJob
{
    [ThreadStatic]
    private static GemmBatched? perThread;

    private GemmKernelKind kind;
    private int batch;
    private (bool A, bool B) transposed;
    private (int M, int N, int K) size;
    private (float Alpha, float Beta) scale;

    // Per operand A, B, C: its first matrix (address), row stride, distance between matrices and extent of one matrix.
    private (nint A, nint B, nint C) origin;
    private (int A, int B, int C) rowStride;
    private (long A, long B, long C) matrixStride;
    private (long A, long B, long C) extent;
    private long smallThreshold;

    /// <summary>Largest m·n·k of one product that is split by product rather than within the product.</summary>
    internal static long SplitByProductThreshold { get; set; } = 256L * 256 * 256;

    /// <summary>Runs the batch (arguments validated by <see cref="Gemm"/>).</summary>
    public static void Run(
        GemmKernelKind kind, int workers, int batch, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, long lengthA, float* b, int ldb, long strideB, long lengthB,
        float beta, float* c, int ldc, long strideC, long lengthC)
    {
        var job = perThread ??= new GemmBatched();
        job.kind = kind;
        job.batch = batch;
        job.transposed = (transA, transB);
        job.size = (m, n, k);
        job.scale = (alpha, beta);
        job.origin = ((nint)a, (nint)b, (nint)c);
        job.rowStride = (lda, ldb, ldc);
        job.matrixStride = (strideA, strideB, strideC);
        job.extent = (lengthA, lengthB, lengthC);

        // Narrow products (one column panel) of a batch take the direct kernel, whose four-row blocks use each row of B
        // for eight multiply-adds without packing A (attention's 128 × 32 × 128 products); chosen by shape alone, so
        // that the results do not depend on the worker count.
        var small = batch > 1 && (long)m * n * k <= SplitByProductThreshold;
        job.smallThreshold = small && n <= GemmSmall.NarrowWidth && Avx512F.IsSupported ? long.MaxValue : GemmSmall.Threshold;
        try
        {
            var byProduct = workers > 1 && small;
            if (byProduct)
            {
                WorkerPool.Shared.Run(job, Math.Min(workers, batch));
            }
            else
            {
                job.Products(0, batch, workers);
            }
        }
        finally
        {
            job.origin = default;
        }
    }

    /// <inheritdoc />
    public void Execute(int worker, int workers) =>
        Products((int)((long)batch * worker / workers), (int)((long)batch * (worker + 1) / workers), 1);

    private void Products(int first, int end, int workers)
    {
        var (m, n, k) = size;
        for (var i = first; i < end; i++)
        {
            Gemm.Run(kind, smallThreshold, workers, transposed.A, transposed.B, m, n, k, scale.Alpha,
                new ReadOnlySpan<float>((float*)origin.A + (i * matrixStride.A), (int)extent.A), rowStride.A,
                new ReadOnlySpan<float>((float*)origin.B + (i * matrixStride.B), (int)extent.B), rowStride.B,
                scale.Beta, new Span<float>((float*)origin.C + (i * matrixStride.C), (int)extent.C), rowStride.C);
        }
    }
}
