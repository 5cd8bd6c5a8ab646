using System.Globalization;
using Descent.Numerics;

namespace Descent.Bench;

/// <summary>
/// GEMM GFLOP/s at the shapes of the MiniLM 16 × 128 training step, against numpy/OpenBLAS at the same shapes in the
/// same run: each Linear's forward (x·Wᵀ), input gradient (dY·W) and weight gradient (dYᵀ·X) over 2,048 token rows,
/// and the per-head attention products (batch × heads = 192 independent 128-token products of head width 32:
/// scores Q·Kᵀ, context P·V and their backward forms), which numpy runs as one stacked matmul.
/// </summary>
internal static class BertGemmRows
{
    private const int Rows = 2048;
    private const int Heads = 192;
    private const int Seq = 128;
    private const int HeadWidth = 32;

    /// <summary>The cases: label, form (transposes of A and B), batch, m, n, k.</summary>
    private static readonly (string Label, string Form, int Batch, int M, int N, int K)[] Cases =
    [
        ("Linear 384→384 forward x·Wᵀ", "nt", 1, Rows, 384, 384),
        ("Linear 384→384 input grad dY·W", "nn", 1, Rows, 384, 384),
        ("Linear 384→384 weight grad dYᵀ·X", "tn", 1, 384, 384, Rows),
        ("Linear 384→1536 forward x·Wᵀ", "nt", 1, Rows, 1536, 384),
        ("Linear 384→1536 input grad dY·W", "nn", 1, Rows, 384, 1536),
        ("Linear 384→1536 weight grad dYᵀ·X", "tn", 1, 1536, 384, Rows),
        ("Linear 1536→384 forward x·Wᵀ", "nt", 1, Rows, 384, 1536),
        ("Linear 1536→384 input grad dY·W", "nn", 1, Rows, 1536, 384),
        ("Linear 1536→384 weight grad dYᵀ·X", "tn", 1, 384, 1536, Rows),
        ("per-head scores Q·Kᵀ", "nt", Heads, Seq, Seq, HeadWidth),
        ("per-head context P·V", "nn", Heads, Seq, HeadWidth, Seq),
        ("per-head grad dP = dCtx·Vᵀ", "nt", Heads, Seq, Seq, HeadWidth),
        ("per-head grad dV = Pᵀ·dCtx", "tn", Heads, Seq, HeadWidth, Seq),
    ];

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var rows = new List<BenchRow>();
        var rng = new Rng(11);
        foreach (var (label, form, batch, m, n, k) in Cases)
        {
            var (transA, transB) = (form[0] == 't', form[1] == 't');
            var a = Tensor.Normal(rng, 0, 1, batch * m * k).ToArray();
            var b = Tensor.Normal(rng, 0, 1, batch * k * n).ToArray();
            var c = new float[batch * m * n];
            var (lda, ldb) = (transA ? m : k, transB ? k : n);
            var flops = 2.0 * batch * m * n * k;
            var reps = Math.Max(20, (int)((quick ? 2e9 : 8e9) / flops));
            var (best, median) = Measure.Time(
                () => Gemm.MultiplyBatched(batch, transA, transB, m, n, k, 1f, a, lda, (long)m * k, b, ldb, (long)k * n, 0f, c, n, (long)m * n),
                warmup: Math.Max(2, reps / 4), reps, TimeSpan.FromSeconds(quick ? 1 : 4));
            var shape = batch == 1 ? $"{m}x{n}x{k}" : $"{batch} x {m}x{n}x{k}";
            rows.Add(new BenchRow
            {
                Suite = "bert",
                Case = $"gemm {label} ({shape}, m x n x k)",
                Metric = "GFLOP/s (best)",
                Unit = "GFLOP/s",
                Value = flops / best / 1e9,
                Note = string.Create(CultureInfo.InvariantCulture, $"{Gemm.KernelDescription}, {Gemm.MaxWorkers} threads; median {flops / median / 1e9:F1}; target >= 0.9x"),
            });
            log($"gemm {label} {shape}: {flops / best / 1e9:F1} GFLOP/s");
        }

        var cases = string.Join(';', Cases.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"g{i}:{x.Form}:{x.Batch}:{x.M}:{x.N}:{x.K}")));
        var (peer, error) = Peer.Run("gemm-shapes", $"{(quick ? "--quick " : string.Empty)}--cases \"{cases}\"");
        var name = error ?? $"numpy {Peer.Text(peer, "numpy", "?")} ({Peer.Text(peer, "blas", "?")})";
        return rows.Select((r, i) => r.WithPeer(name, Peer.Get(peer, $"g{i}"))).ToList();
    }
}
