using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// The packed, cache-blocked GEMM (Goto/BLIS loop order): for each NC-wide column block and KC-deep slice,
/// B is packed into NR-wide panels (shared by the workers), each worker packs MC×KC blocks of its rows of A
/// into MR-high panels, and the micro-kernel computes MR×NR tiles from them. Packing reads op(A) and op(B)
/// straight from the stored matrices, so transposes are never materialized.
/// </summary>
/// <remarks>Work is split over the NR-wide column panels of each NC block: each part packs its own panels and
/// the whole of A, so parts never wait for each other (a row split sharing packed B would need barriers, which
/// stall badly when a core is taken by another process). One instance runs one multiplication at a time;
/// <see cref="Gemm"/> keeps one per calling thread.</remarks>
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
    private float* packB;

    [ThreadStatic]
    private static GemmPacked? perThread;

    /// <summary>Tiles of C computed per multiplication below which one worker is used.</summary>
    internal static long ParallelThreshold { get; set; } = 96L * 96 * 96;

    /// <summary>Overrides of the block sizes (KC, MC, NC; 0 = default), for tuning experiments.</summary>
    internal static (int Kc, int Mc, int Nc) BlockOverride { get; set; }

    /// <summary>Runs one multiplication (arguments validated by <see cref="Gemm"/>; m, n, k &gt; 0).</summary>
    public static void Run(
        GemmKernelKind kind, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int maxWorkers)
    {
        var job = perThread ??= new GemmPacked();
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

        var workers = (long)m * n * k >= ParallelThreshold ? maxWorkers : 1;
        job.packB = GemmScratch.PackB(job.kcBlock * job.ncBlock);
        try
        {
            WorkerPool.Shared.Run(job, workers);
        }
        finally
        {
            job.a = job.b = job.c = job.packB = null;
        }
    }

    private void Configure(GemmKernelKind kind)
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512:
                kernel = &GemmKernels.Kernel512;
                mr = GemmKernels.Mr512;
                nr = GemmKernels.Nr512;
                kcBlock = 256;
                mcBlock = 16 * GemmKernels.Mr512;
                ncBlock = 128 * GemmKernels.Nr512;
                break;
            case GemmKernelKind.Vector256:
                kernel = &GemmKernels.Kernel256;
                mr = GemmKernels.Mr256;
                nr = GemmKernels.Nr256;
                kcBlock = 256;
                mcBlock = 24 * GemmKernels.Mr256;
                ncBlock = 256 * GemmKernels.Nr256;
                break;
            default:
                kernel = &GemmKernels.Kernel128;
                mr = GemmKernels.Mr128;
                nr = GemmKernels.Nr128;
                kcBlock = 256;
                mcBlock = 32 * GemmKernels.Mr128;
                ncBlock = 512 * GemmKernels.Nr128;
                break;
        }

        var (kcO, mcO, ncO) = BlockOverride;
        kcBlock = kcO > 0 ? kcO : kcBlock;
        mcBlock = mcO > 0 ? (mcO + mr - 1) / mr * mr : mcBlock;
        ncBlock = ncO > 0 ? (ncO + nr - 1) / nr * nr : ncBlock;
    }

    /// <inheritdoc />
    public void Execute(int worker, int workers)
    {
        var tile = stackalloc float[(GemmKernels.Mr512 * GemmKernels.Nr512) + 16];
        var tileAligned = (float*)(((nint)tile + 63) & ~(nint)63);
        var packA = GemmScratch.PackA(mcBlock * kcBlock);

        // Each part packs its own B panels (the caller's buffer when it runs alone) and all rows of A.
        const int rowStart = 0;
        var rowEnd = m;
        var sharedB = workers == 1;
        var myPackB = sharedB ? packB : GemmScratch.PackB(kcBlock * ncBlock);
        for (var jc = 0; jc < n; jc += ncBlock)
        {
            var nc = Math.Min(ncBlock, n - jc);
            var panels = (nc + nr - 1) / nr;
            int panelStart = 0, panelEnd = panels;
            if (!sharedB)
            {
                panelStart = (int)((long)panels * worker / workers);
                panelEnd = (int)((long)panels * (worker + 1) / workers);
            }

            for (var pc = 0; pc < k; pc += kcBlock)
            {
                var kc = Math.Min(kcBlock, k - pc);
                PackB(myPackB, pc, jc, kc, nc, panelStart, panelEnd);
                var betaEff = pc == 0 ? beta : 1f;
                for (var ic = rowStart; ic < rowEnd; ic += mcBlock)
                {
                    var mc = Math.Min(mcBlock, rowEnd - ic);
                    PackA(packA, ic, pc, mc, kc);
                    for (var t = panelStart; t < panelEnd; t++)
                    {
                        var j0 = t * nr;
                        var cols = Math.Min(nr, nc - j0);
                        var bPanel = myPackB + ((nint)t * nr * kc);
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
                        }
                    }
                }
            }
        }
    }

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
    private void PackA(float* dst, int i0, int p0, int mc, int kc)
    {
        for (var t = 0; t < mc; t += mr)
        {
            var rows = Math.Min(mr, mc - t);
            var d = dst + ((nint)t * kc);
            if (!transA)
            {
                for (var r = 0; r < rows; r++)
                {
                    var src = a + ((i0 + t + r) * lda) + p0;
                    var dr = d + r;
                    for (var p = 0; p < kc; p++)
                    {
                        dr[p * mr] = src[p];
                    }
                }
            }
            else
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = a + ((p0 + p) * lda) + i0 + t;
                    var dp = d + (p * mr);
                    for (var r = 0; r < rows; r++)
                    {
                        dp[r] = src[r];
                    }
                }
            }

            if (rows < mr)
            {
                for (var p = 0; p < kc; p++)
                {
                    for (var r = rows; r < mr; r++)
                    {
                        d[(p * mr) + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs NR-wide panels [t0, t1) of op(B)[p0..p0+kc, j0..j0+nc] (zero-padded).</summary>
    private void PackB(float* dst, int p0, int j0, int kc, int nc, int t0, int t1)
    {
        for (var t = t0; t < t1; t++)
        {
            var c0 = t * nr;
            var cols = Math.Min(nr, nc - c0);
            var d = dst + ((nint)t * nr * kc);
            if (!transB)
            {
                var src = b + (p0 * ldb) + j0 + c0;
                if (cols == nr)
                {
                    CopyRows(d, src, kc);
                }
                else
                {
                    for (var p = 0; p < kc; p++)
                    {
                        var s = src + (p * ldb);
                        var dp = d + (p * nr);
                        for (var j = 0; j < cols; j++)
                        {
                            dp[j] = s[j];
                        }

                        for (var j = cols; j < nr; j++)
                        {
                            dp[j] = 0f;
                        }
                    }
                }
            }
            else if (cols == nr && nr % 8 == 0 && Avx2.IsSupported && ldb * nr <= int.MaxValue)
            {
                // op(B) = Bᵀ: gather each packed row (NR columns of B's rows at one p) 8 at a time, so that the
                // stores stay contiguous instead of striding NR floats per element.
                var index = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (int)ldb;
                var src = b + ((j0 + c0) * ldb) + p0;
                var step8 = 8 * ldb;
                for (var p = 0; p < kc; p++)
                {
                    var dp = d + (p * nr);
                    var sp = src + p;
                    for (var q = 0; q < nr; q += 8)
                    {
                        Vector256.Store(Avx2.GatherVector256(sp, index, 4), dp + q);
                        sp += step8;
                    }
                }
            }
            else
            {
                for (var j = 0; j < cols; j++)
                {
                    var src = b + ((j0 + c0 + j) * ldb) + p0;
                    var dj = d + j;
                    for (var p = 0; p < kc; p++)
                    {
                        dj[p * nr] = src[p];
                    }
                }

                if (cols < nr)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        for (var j = cols; j < nr; j++)
                        {
                            d[(p * nr) + j] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Copies kc rows of NR contiguous floats (stride ldb) into a dense panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CopyRows(float* d, float* src, int kc)
    {
        if (nr == 32 && Vector512.IsHardwareAccelerated)
        {
            for (var p = 0; p < kc; p++)
            {
                var s = src + (p * ldb);
                Vector512.Store(Vector512.Load(s), d);
                Vector512.Store(Vector512.Load(s + 16), d + 16);
                d += 32;
            }

            return;
        }

        var bytes = (uint)(nr * sizeof(float));
        for (var p = 0; p < kc; p++)
        {
            Unsafe.CopyBlockUnaligned(d, src + (p * ldb), bytes);
            d += nr;
        }
    }
}
