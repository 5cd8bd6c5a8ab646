using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Bench;

/// <summary>
/// Hidden suite <c>gemm-tune</c> (for tuning; writes no JSON):
/// <c>gemm-tune kernel</c> — FMA peak and the micro-kernel alone (thread CPU time);
/// <c>gemm-tune cpu SIZES FORMS</c> — one thread, thread CPU time;
/// <c>gemm-tune wall SIZES FORMS THREADS [SECONDS]</c> — wall clock, best and median.
/// SIZES like 512,1024; FORMS like nn,nt,tn (t = transposed operand). <c>GEMM_BLOCKS=kc,mc,nc</c> overrides
/// the block sizes (0 = default).
/// </summary>
internal static class GemmTuning
{
    public static void Run(string[] args)
    {
        var blocks = Environment.GetEnvironmentVariable("GEMM_BLOCKS");
        if (!string.IsNullOrEmpty(blocks))
        {
            var v = blocks.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            GemmPacked.BlockOverride = (v[0], v[1], v[2]);
        }

        var mode = args.Length > 1 ? args[1] : "kernel";
        if (mode == "pool")
        {
            // Cost of one pool job with two workers that do nothing (hand-off + join).
            var empty = new EmptyJob();
            for (var r = 0; r < 5; r++)
            {
                const int jobs = 20000;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var ran = 0;
                for (var i = 0; i < jobs; i++)
                {
                    ran += WorkerPool.Shared.Run(empty, 2);
                }

                Console.WriteLine($"pool: {sw.Elapsed.TotalMilliseconds * 1000 / jobs:F2} us per empty 2-worker job; worker ran {empty.Count * 100.0 / jobs:F0}% of parts 1; mean workers {ran / (double)jobs:F2}");
                empty.Count = 0;
            }

            return;
        }

        if (mode == "kernel")
        {
            Kernel();
            return;
        }

        var sizes = (args.Length > 2 ? args[2] : "512,1024,2048").Split(',');
        var forms = (args.Length > 3 ? args[3] : "nn").Split(',');
        var threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2;
        var seconds = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 1.0;
        foreach (var size in sizes)
        {
            // "N" (square) or "MxNxK".
            var dims = size.Split('x').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var (m, n, k) = dims.Length == 3 ? (dims[0], dims[1], dims[2]) : (dims[0], dims[0], dims[0]);
            var rng = new Rng((ulong)(m + n + k));
            var a = Tensor.Normal(rng, 0, 1, m * k).ToArray();
            var b = Tensor.Normal(rng, 0, 1, k * n).ToArray();
            var c = new float[m * n];
            var flops = 2.0 * m * n * k;
            foreach (var form in forms)
            {
                var (ta, tb) = (form[0] == 't', form[1] == 't');
                var (lda, ldb) = (ta ? m : k, tb ? k : n);
                if (mode == "cpu")
                {
                    Gemm.Run(Gemm.BestKernel, 0, 1, ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                    var best = double.MaxValue;
                    var start = DateTime.UtcNow;
                    while ((DateTime.UtcNow - start).TotalSeconds < seconds)
                    {
                        var t0 = ThreadClock.Now();
                        Gemm.Run(Gemm.BestKernel, 0, 1, ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                        best = Math.Min(best, ThreadClock.Now() - t0);
                    }

                    Console.WriteLine($"descent cpu {form} {size} {flops / best / 1e9:F1}");
                }
                else if (mode == "cpu2")
                {
                    // Process CPU time (all threads, spinning included) / workers: throughput if the workers had
                    // their cores to themselves; robust to other processes taking turns on the cores.
                    Gemm.Run(Gemm.BestKernel, GemmSmall.Threshold, threads, ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                    var best = double.MaxValue;
                    var start = DateTime.UtcNow;
                    while ((DateTime.UtcNow - start).TotalSeconds < seconds)
                    {
                        var t0 = ThreadClock.ProcessNow();
                        Gemm.Run(Gemm.BestKernel, GemmSmall.Threshold, threads, ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
                        best = Math.Min(best, ThreadClock.ProcessNow() - t0);
                    }

                    Console.WriteLine($"descent cpu{threads} {form} {size} {flops / (best / threads) / 1e9:F1}");
                }
                else
                {
                    var (best, median) = Measure.Time(
                        () => Gemm.Run(Gemm.BestKernel, GemmSmall.Threshold, threads, ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n),
                        2, 100000, TimeSpan.FromSeconds(seconds));
                    Console.WriteLine($"descent t{threads} {form} {size} {flops / best / 1e9:F1} (median {flops / median / 1e9:F1})");
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double FmaPeak()
    {
        var best = double.MaxValue;
        const int iters = 2_000_000;
        var x = Vector512.Create(1.0000001f);
        var y = Vector512.Create(0.9999999f);
        float sink = 0;
        for (var r = 0; r < 8; r++)
        {
            Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            var t0 = ThreadClock.Now();
            for (var i = 0; i < iters; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, y, x);
                a1 = Vector512.FusedMultiplyAdd(a1, y, x);
                a2 = Vector512.FusedMultiplyAdd(a2, y, x);
                a3 = Vector512.FusedMultiplyAdd(a3, y, x);
                a4 = Vector512.FusedMultiplyAdd(a4, y, x);
                a5 = Vector512.FusedMultiplyAdd(a5, y, x);
                a6 = Vector512.FusedMultiplyAdd(a6, y, x);
                a7 = Vector512.FusedMultiplyAdd(a7, y, x);
                a8 = Vector512.FusedMultiplyAdd(a8, y, x);
                a9 = Vector512.FusedMultiplyAdd(a9, y, x);
                a10 = Vector512.FusedMultiplyAdd(a10, y, x);
                a11 = Vector512.FusedMultiplyAdd(a11, y, x);
            }

            best = Math.Min(best, ThreadClock.Now() - t0);
            sink += Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }

        GC.KeepAlive(sink);
        return 2.0 * 16 * 12 * iters / best / 1e9;
    }

    private static unsafe void Kernel()
    {
        Console.WriteLine($"FMA peak (12 chains x 16 lanes, registers only): {FmaPeak():F1} GFLOP/s (thread CPU time)");

        // The micro-kernel alone, on packed panels that stay in cache.
        foreach (var kc in new[] { 64, 256, 512 })
        {
            var pa = new float[GemmKernels.Mr512 * kc * 8];
            var pb = new float[GemmKernels.Nr512 * kc];
            var pc = new float[GemmKernels.Mr512 * GemmKernels.Nr512];
            fixed (float* xa = pa, xb = pb, xc = pc)
            {
                var best = double.MaxValue;
                const int calls = 20000;
                for (var r = 0; r < 10; r++)
                {
                    var t0 = ThreadClock.Now();
                    for (var i = 0; i < calls; i++)
                    {
                        GemmKernels.Kernel512(kc, xa + ((i & 7) * GemmKernels.Mr512 * kc), xb, xc, GemmKernels.Nr512, 1f, 1f);
                    }

                    best = Math.Min(best, ThreadClock.Now() - t0);
                }

                Console.WriteLine($"kernel {GemmKernels.Mr512}x{GemmKernels.Nr512} kc={kc}: {2.0 * GemmKernels.Mr512 * GemmKernels.Nr512 * kc * calls / best / 1e9:F1} GFLOP/s (thread CPU time)");
            }
        }
    }

    private sealed class EmptyJob : IWorkerJob
    {
        public int Count;

        public void Execute(int worker, int workers)
        {
            if (worker == 1 && Environment.CurrentManagedThreadId != MainThread)
            {
                Interlocked.Increment(ref Count);
            }
        }

        private static readonly int MainThread = Environment.CurrentManagedThreadId;
    }
}
