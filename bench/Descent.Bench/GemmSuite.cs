using System.Globalization;
using Descent.Numerics;

namespace Descent.Bench;

/// <summary>sgemm GFLOP/s on square matrices, against numpy's OpenBLAS on the same sizes: C = A·B at 256–2048,
/// and the forms backward uses, A·Bᵀ and Aᵀ·B (numpy gets transposed views, which it passes to sgemm as
/// transpose flags), at 512–2048.</summary>
internal static class GemmSuite
{
    private static readonly (string Form, int N)[] Cases =
    [
        ("nn", 256), ("nn", 512), ("nn", 1024), ("nn", 2048),
        ("nt", 512), ("nt", 1024), ("nt", 2048),
        ("tn", 512), ("tn", 1024), ("tn", 2048),
    ];

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var rows = new List<BenchRow>();
        WarmUp();
        foreach (var (form, n) in Cases)
        {
            var (transA, transB) = (form[0] == 't', form[1] == 't');
            var rng = new Rng((ulong)n);
            var a = Tensor.Normal(rng, 0, 1, n, n).ToArray();
            var b = Tensor.Normal(rng, 0, 1, n, n).ToArray();
            var c = new float[n * n];
            var flops = 2.0 * n * n * n;
            // At least 20 timed runs (best-of-5 was at the mercy of one preemption on a shared machine); the
            // peer uses the same counts.
            var reps = Math.Max(20, (int)((quick ? 2e9 : 8e9) / flops));
            var (best, median) = Measure.Time(
                () => Gemm.Multiply(transA, transB, n, n, n, 1f, a, n, b, n, 0f, c, n),
                warmup: Math.Max(2, reps / 4), reps, TimeSpan.FromSeconds(quick ? 1 : 4));
            var product = form switch { "nt" => "A·Bᵀ", "tn" => "Aᵀ·B", _ => "A·B" };
            rows.Add(new BenchRow
            {
                Suite = "gemm",
                Case = form == "nn" ? $"sgemm {n}x{n}x{n}" : $"sgemm {n}x{n}x{n} {product}",
                Metric = "GFLOP/s (best)",
                Unit = "GFLOP/s",
                Value = flops / best / 1e9,
                Note = $"{Gemm.KernelDescription}, {Gemm.MaxWorkers} threads; median {flops / median / 1e9:F1}",
            });
            log($"gemm {form} {n}: {flops / best / 1e9:F1} GFLOP/s");
        }

        var sizes = string.Join(',', Cases.Select(x => x.N).Distinct().Select(x => x.ToString(CultureInfo.InvariantCulture)));
        var forms = string.Join(',', Cases.Select(x => x.Form).Distinct());
        var (peer, error) = Peer.Run("gemm", $"{(quick ? "--quick " : string.Empty)}--sizes {sizes} --forms {forms}");
        var name = error ?? $"numpy {Peer.Text(peer, "numpy", "?")} ({Peer.Text(peer, "blas", "?")})";
        return rows.Select((r, i) => r.WithPeer(name, Peer.Get(peer, Cases[i].Form == "nn" ? $"gemm_{Cases[i].N}" : $"gemm_{Cases[i].Form}_{Cases[i].N}"))).ToList();
    }

    /// <summary>Untimed products for a moment before the first case, so that the first rows are not taken
    /// while the runtime is still compiling (tiered JIT) on the cores the GEMM wants.</summary>
    private static void WarmUp()
    {
        const int n = 384;
        var a = new float[n * n];
        var b = new float[n * n];
        var c = new float[n * n];
        a.AsSpan().Fill(0.5f);
        b.AsSpan().Fill(0.25f);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(0.5); i++)
        {
            Gemm.Multiply((i & 1) != 0, (i & 2) != 0, n, n, n, 1f, a, n, b, n, 0f, c, n);
        }
    }
}
