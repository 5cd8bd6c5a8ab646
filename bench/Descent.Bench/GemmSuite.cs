using Descent.Numerics;

namespace Descent.Bench;

/// <summary>sgemm GFLOP/s on square matrices, against numpy's OpenBLAS on the same sizes.</summary>
internal static class GemmSuite
{
    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        int[] sizes = [256, 512, 1024, 2048];
        var rows = new List<BenchRow>();
        foreach (var n in sizes)
        {
            var rng = new Rng((ulong)n);
            var a = Tensor.Normal(rng, 0, 1, n, n).ToArray();
            var b = Tensor.Normal(rng, 0, 1, n, n).ToArray();
            var c = new float[n * n];
            var flops = 2.0 * n * n * n;
            var reps = Math.Max(5, (int)((quick ? 0.5e9 : 4e9) / flops));
            var (best, median) = Measure.Time(
                () => Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n),
                warmup: 2, reps, TimeSpan.FromSeconds(quick ? 1 : 4));
            rows.Add(new BenchRow
            {
                Suite = "gemm",
                Case = $"sgemm {n}x{n}x{n}",
                Metric = "GFLOP/s (best)",
                Unit = "GFLOP/s",
                Value = flops / best / 1e9,
                Note = $"{Gemm.KernelDescription}, {Gemm.MaxWorkers} threads; median {flops / median / 1e9:F1}",
            });
            log($"gemm {n}: {flops / best / 1e9:F1} GFLOP/s");
        }

        var (peer, error) = Peer.Run("gemm", quick ? "--quick" : string.Empty);
        var name = error ?? $"numpy {Peer.Text(peer, "numpy", "?")} ({Peer.Text(peer, "blas", "?")})";
        return rows.Select((r, i) => r.WithPeer(name, Peer.Get(peer, $"gemm_{sizes[i]}"))).ToList();
    }
}
