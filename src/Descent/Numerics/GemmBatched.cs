using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// The batched form of <see cref="Gemm"/> (<see cref="Gemm.MultiplyBatched"/>): many independent products of one
/// shape. Small products (attention's per-head 128 × 32 · 32 × 128) are split across workers by product, each run on
/// one thread, because handing one such product to the pool costs more than it computes; large ones run one after
/// another, each on all workers. Either way every product is computed exactly as a single call would compute it (the
/// results do not depend on the worker count).
/// </summary>
internal sealed unsafe class GemmBatched : IWorkerJob
{
    [ThreadStatic]
    private static GemmBatched? perThread;

    private GemmKernelKind kind;
    private int batch;
    private bool transA;
    private bool transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float* a;
    private float* b;
    private float* c;
    private int lda;
    private int ldb;
    private int ldc;
    private long strideA;
    private long strideB;
    private long strideC;
    private long lengthA;
    private long lengthB;
    private long lengthC;

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
        job.transA = transA;
        job.transB = transB;
        (job.m, job.n, job.k) = (m, n, k);
        (job.alpha, job.beta) = (alpha, beta);
        job.a = a;
        job.b = b;
        job.c = c;
        (job.lda, job.ldb, job.ldc) = (lda, ldb, ldc);
        (job.strideA, job.strideB, job.strideC) = (strideA, strideB, strideC);
        (job.lengthA, job.lengthB, job.lengthC) = (lengthA, lengthB, lengthC);
        try
        {
            var byProduct = workers > 1 && batch > 1 && (long)m * n * k <= SplitByProductThreshold;
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
            job.a = job.b = job.c = null;
        }
    }

    /// <inheritdoc />
    public void Execute(int worker, int workers) =>
        Products((int)((long)batch * worker / workers), (int)((long)batch * (worker + 1) / workers), 1);

    private void Products(int first, int end, int workers)
    {
        // A narrow product (one column panel) on one thread takes the direct kernel, whose four-row blocks use each
        // row of B for eight multiply-adds without packing A (attention's 128 × 32 × 128 products).
        var smallThreshold = workers == 1 && n <= GemmSmall.NarrowWidth && Avx512F.IsSupported ? long.MaxValue : GemmSmall.Threshold;
        for (var i = first; i < end; i++)
        {
            Gemm.Run(kind, smallThreshold, workers, transA, transB, m, n, k, alpha,
                new ReadOnlySpan<float>(a + (i * strideA), (int)lengthA), lda,
                new ReadOnlySpan<float>(b + (i * strideB), (int)lengthB), ldb,
                beta, new Span<float>(c + (i * strideC), (int)lengthC), ldc);
        }
    }
}
