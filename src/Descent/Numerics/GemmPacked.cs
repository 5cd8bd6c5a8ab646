using System.Runtime.CompilerServices;

namespace Descent.Numerics;

/// <summary>
/// The packed, cache-blocked GEMM (Goto/BLIS loop order): for each NC-wide column block and KC-deep slice,
/// op(B) is packed into NR-wide panels, each MC×KC block of op(A) into MR-high panels, and the micro-kernel
/// computes MR×NR tiles of C from them (the B panel stays in L1/L2, the A block in L2). Packing reads op(A)
/// and op(B) straight from the stored matrices with SIMD transposes or copies (<see cref="GemmPacking"/>),
/// so transposes are never materialized.
/// </summary>
/// <remarks>
/// <para>Work is split into one independent part per worker, over the NR-wide column panels of C (each part
/// packs its own B panels and all of A) or, when C is too narrow for that or A is the larger operand, over
/// MR-row blocks of C (each part packs its own A rows and all of B). Parts never wait for each other, so a
/// worker that another process delays costs at most its own part, and the pool's end-of-job join is the only
/// synchronization. (A design with shared packed panels, dynamically claimed chunks and a join per KC slice
/// measured 0–2% faster at 256–1024 but 5–20% slower at 2048 on a loaded 2-core machine.) The duplicated
/// packing costs 2–4% of one worker's time.</para>
/// <para>The k-slices are equal (KC rounded down to balance, so no thin last slice re-reads all of C). Results
/// do not depend on the worker count: every C tile accumulates its k-slices in order. One instance runs one
/// multiplication at a time; <see cref="Gemm"/> keeps one per calling thread.</para>
/// </remarks>
internal sealed unsafe class GemmPacked : IWorkerJob
{
    private delegate*<int, float*, float*, float*, nint, float, float, void> kernel;
    private int mr;
    private int nr;
    private int kcBlock;
    private int mcBlock;
    private int ncBlock;
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
    private nint lda;
    private nint ldb;
    private nint ldc;
    private int kcEven;
    private bool splitRows;
    private GemmEpilogue epilogue;

    [ThreadStatic]
    private static GemmPacked? perThread;

    /// <summary>Tiles of C computed per multiplication below which one worker is used.</summary>
    internal static long ParallelThreshold { get; set; } = 96L * 96 * 96;

    /// <summary>Overrides of the block sizes (KC, MC, NC; 0 = default), for tuning experiments.</summary>
    internal static (int Kc, int Mc, int Nc) BlockOverride { get; set; }

    /// <summary>The micro-kernel's tile (MR rows × NR columns of C) of <paramref name="kind"/>.</summary>
    internal static (int Mr, int Nr) Tile(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => (GemmKernels.Mr512, GemmKernels.Nr512),
        GemmKernelKind.Vector256 => (GemmKernels.Mr256, GemmKernels.Nr256),
        _ => (GemmKernels.Mr128, GemmKernels.Nr128),
    };

    /// <summary>Whether an m × n product is better computed as its transpose: n is narrower than one MR-high tile (so each of
    /// C's NR-wide tiles would be mostly padding, e.g. n = 8 of 32, where the transpose pads n to MR = 12) and m fills an
    /// NR-wide tile. Every tile of either form is then an edge tile (stored by the same formula), so the results are equal.</summary>
    internal static bool PrefersTransposed(GemmKernelKind kind, int m, int n)
    {
        var (mr, nr) = Tile(kind);
        return n < mr && m >= nr;
    }

    /// <summary>Runs one multiplication (arguments validated by <see cref="Gemm"/>; m, n, k &gt; 0).</summary>
    public static void Run(
        GemmKernelKind kind, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int maxWorkers, in GemmEpilogue epilogue = default)
    {
        var job = perThread ??= new GemmPacked();
        job.epilogue = epilogue;
        job.Configure(kind);
        job.transA = transA;
        job.transB = transB;
        job.m = m;
        job.n = n;
        job.k = k;
        job.alpha = alpha;
        job.beta = beta;
        job.a = a;
        job.b = b;
        job.c = c;
        job.lda = lda;
        job.ldb = ldb;
        job.ldc = ldc;
        var slices = (k + job.kcBlock - 1) / job.kcBlock;
        job.kcEven = (k + slices - 1) / slices;

        var workers = (long)m * n * k >= ParallelThreshold ? Math.Min(maxWorkers, WorkerPool.Shared.Capacity) : 1;
        var rowPanels = (m + job.mr - 1) / job.mr;
        var colPanels = (n + job.nr - 1) / job.nr;

        // Split the operand whose duplicated packing costs less, if it has enough panels for every worker.
        job.splitRows = colPanels < 2 * workers || (m > n && rowPanels >= 2 * workers);
        workers = Math.Max(1, Math.Min(workers, job.splitRows ? rowPanels : colPanels));
        try
        {
            WorkerPool.Shared.Run(job, workers);
        }
        finally
        {
            job.a = job.b = job.c = null;
            job.epilogue = default;
        }
    }

    private void Configure(GemmKernelKind kind)
    {
        kernel = kind switch
        {
            GemmKernelKind.Vector512 => &GemmKernels.Kernel512,
            GemmKernelKind.Vector256 => &GemmKernels.Kernel256,
            _ => &GemmKernels.Kernel128,
        };

        // Tile size, k-slice and the panels per block of A (rows) and B (columns).
        int mcPanels, ncPanels;
        (mr, nr, kcBlock, mcPanels, ncPanels) = kind switch
        {
            GemmKernelKind.Vector512 => (GemmKernels.Mr512, GemmKernels.Nr512, 512, 16, 64),
            GemmKernelKind.Vector256 => (GemmKernels.Mr256, GemmKernels.Nr256, 256, 24, 256),
            _ => (GemmKernels.Mr128, GemmKernels.Nr128, 256, 32, 512),
        };
        mcBlock = mcPanels * mr;
        ncBlock = ncPanels * nr;

        var (kcO, mcO, ncO) = BlockOverride;
        kcBlock = kcO > 0 ? kcO : kcBlock;
        mcBlock = mcO > 0 ? (mcO + mr - 1) / mr * mr : mcBlock;
        ncBlock = ncO > 0 ? (ncO + nr - 1) / nr * nr : ncBlock;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int worker, int workers)
    {
        var tile = stackalloc float[(GemmKernels.Mr512 * GemmKernels.Nr512) + 16];
        var tileAligned = (float*)(((nint)tile + 63) & ~(nint)63);

        // This part's rows of C (whole MR panels) when splitting rows.
        int rowLo = 0, rowHi = m;
        if (splitRows && workers > 1)
        {
            var rowPanels = (m + mr - 1) / mr;
            rowLo = (int)((long)rowPanels * worker / workers) * mr;
            rowHi = Math.Min(m, (int)((long)rowPanels * (worker + 1) / workers) * mr);
        }

        // Full-size blocks (not this problem's), so that the buffers reach their final size on first use.
        var packA = GemmScratch.PackA(mcBlock * kcBlock);
        var packB = GemmScratch.PackB(ncBlock * kcBlock);
        for (var jc = 0; jc < n; jc += ncBlock)
        {
            var nc = Math.Min(ncBlock, n - jc);
            var panels = (nc + nr - 1) / nr;
            int panelStart = 0, panelEnd = panels;
            if (!splitRows && workers > 1)
            {
                panelStart = (int)((long)panels * worker / workers);
                panelEnd = (int)((long)panels * (worker + 1) / workers);
            }

            if (panelStart == panelEnd || rowLo >= rowHi)
            {
                continue;
            }

            for (var pc = 0; pc < k; pc += kcEven)
            {
                var kc = Math.Min(kcEven, k - pc);
                var betaEff = pc == 0 ? beta : 1f;
                var finish = pc + kc >= k && epilogue.IsActive;
                PackB(packB, pc, kc, jc, nc, panelStart, panelEnd);
                for (var ic = rowLo; ic < rowHi; ic += mcBlock)
                {
                    var mc = Math.Min(mcBlock, rowHi - ic);
                    PackA(packA, ic, mc, pc, kc);
                    for (var t = panelStart; t < panelEnd; t++)
                    {
                        var j0 = t * nr;
                        var cols = Math.Min(nr, nc - j0);
                        var bPanel = packB + ((nint)t * nr * kc);
                        for (var i0 = 0; i0 < mc; i0 += mr)
                        {
                            var rows = Math.Min(mr, mc - i0);
                            var aPanel = packA + ((nint)i0 * kc);
                            var cTile = c + ((ic + i0) * ldc) + jc + j0;
                            if (rows == mr && cols == nr)
                            {
                                kernel(kc, aPanel, bPanel, cTile, ldc, alpha, betaEff);
                            }
                            else
                            {
                                kernel(kc, aPanel, bPanel, tileAligned, nr, 1f, 0f);
                                StoreEdge(tileAligned, cTile, rows, cols, betaEff);
                            }

                            if (finish)
                            {
                                epilogue.Apply(cTile, ldc, ic + i0, jc + j0, rows, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreEdge(float* tile, float* cTile, int rows, int cols, float betaEff)
    {
        for (var r = 0; r < rows; r++)
        {
            var src = tile + (r * nr);
            var dst = cTile + (r * ldc);
            if (betaEff == 0f)
            {
                for (var j = 0; j < cols; j++)
                {
                    dst[j] = alpha * src[j];
                }
            }
            else
            {
                for (var j = 0; j < cols; j++)
                {
                    dst[j] = (alpha * src[j]) + (betaEff * dst[j]);
                }
            }
        }
    }

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] into MR-high panels (zero-padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackA(float* dst, int i0, int mc, int p0, int kc)
    {
        for (var t = 0; t < mc; t += mr)
        {
            var i = i0 + t;
            var rows = Math.Min(mr, mc - t);
            var d = dst + ((nint)t * kc);
            if (transA)
            {
                GemmPacking.Copy(d, mr, a + (p0 * lda) + i, lda, rows, kc);
            }
            else
            {
                GemmPacking.Gather(d, mr, a + (i * lda) + p0, lda, rows, kc);
            }
        }
    }

    /// <summary>Packs NR-wide panels [t0, t1) of op(B)[p0..p0+kc, j0..j0+nc] (zero-padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackB(float* dst, int p0, int kc, int j0, int nc, int t0, int t1)
    {
        for (var t = t0; t < t1; t++)
        {
            var j = j0 + (t * nr);
            var cols = Math.Min(nr, nc - (t * nr));
            var d = dst + ((nint)t * nr * kc);
            if (transB)
            {
                GemmPacking.Gather(d, nr, b + (j * ldb) + p0, ldb, cols, kc);
            }
            else
            {
                GemmPacking.Copy(d, nr, b + (p0 * ldb) + j, ldb, cols, kc);
            }
        }
    }
}
