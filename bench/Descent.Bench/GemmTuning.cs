using Descent.Numerics;

namespace Descent.Bench;

/// <summary>Hidden suite <c>gemm-tune</c>: GEMM block sizes, thread counts and transpose forms (for tuning; writes no JSON).</summary>
internal static class GemmTuning
{
    private static double FmaPeak()
    {
        var best = double.MaxValue;
        const int iters = 2_000_000;
        var x = System.Runtime.Intrinsics.Vector512.Create(1.0000001f);
        var y = System.Runtime.Intrinsics.Vector512.Create(0.9999999f);
        float sink = 0;
        for (var r = 0; r < 8; r++)
        {
            System.Runtime.Intrinsics.Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            var t0 = ThreadClock.Now();
            for (var i = 0; i < iters; i++)
            {
                a0 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a0, y, x);
                a1 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a1, y, x);
                a2 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a2, y, x);
                a3 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a3, y, x);
                a4 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a4, y, x);
                a5 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a5, y, x);
                a6 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a6, y, x);
                a7 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a7, y, x);
                a8 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a8, y, x);
                a9 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a9, y, x);
                a10 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a10, y, x);
                a11 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a11, y, x);
            }

            best = Math.Min(best, ThreadClock.Now() - t0);
            sink += System.Runtime.Intrinsics.Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }

        GC.KeepAlive(sink);
        return 2.0 * 16 * 12 * iters / best / 1e9;
    }

    public static unsafe void Run(string[] args)
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

                Console.WriteLine($"kernel 12x32 kc={kc}: {2.0 * GemmKernels.Mr512 * GemmKernels.Nr512 * kc * calls / best / 1e9:F1} GFLOP/s (thread CPU time)");
            }
        }


        var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1024;
        var rng = new Rng(1);
        var a = Tensor.Normal(rng, 0, 1, n, n).ToArray();
        var b = Tensor.Normal(rng, 0, 1, n, n).ToArray();
        var c = new float[n * n];
        var flops = 2.0 * n * n * n;
        double Cpu(bool ta, bool tb)
        {
            var best = double.MaxValue;
            for (var r = 0; r < 12; r++)
            {
                var t0 = ThreadClock.Now();
                Gemm.Run(Gemm.BestKernel, 0, 1, ta, tb, n, n, n, 1f, a, n, b, n, 0f, c, n);
                best = Math.Min(best, ThreadClock.Now() - t0);
            }

            return flops / best / 1e9;
        }

        double Gflops(bool ta, bool tb, int workers)
        {
            var (best, _) = Measure.Time(() => Gemm.Run(Gemm.BestKernel, 0, workers, ta, tb, n, n, n, 1f, a, n, b, n, 0f, c, n),
                2, 15, TimeSpan.FromSeconds(3));
            return flops / best / 1e9;
        }

        foreach (var (kc, mc, nc) in new[] { (0, 0, 0), (128, 0, 0), (192, 0, 0), (384, 0, 0), (256, 96, 0), (256, 144, 0), (256, 288, 0), (256, 0, 1024), (256, 0, 512), (192, 144, 2048) })
        {
            GemmPacked.BlockOverride = (kc, mc, nc);
            Console.WriteLine($"KC {kc} MC {mc} NC {nc}: 1 thread CPU-time {Cpu(false, false):F1}, 2 threads wall {Gflops(false, false, 2):F1}");
        }

        GemmPacked.BlockOverride = default;
        foreach (var (ta, tb) in new[] { (false, true), (true, false), (true, true) })
        {
            Console.WriteLine($"tA {ta} tB {tb}: 1 thread CPU-time {Cpu(ta, tb):F1}, 2 threads wall {Gflops(ta, tb, 2):F1}");
        }
    }
}
