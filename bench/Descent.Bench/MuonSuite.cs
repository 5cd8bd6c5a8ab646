using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Bench;

/// <summary>
/// Muon's step time on one matrix (square 256, 512, 1024 and BERT-base's 768×3072 feed-forward weight), with the
/// Newton–Schulz iteration in bfloat16 (PyTorch's) and float32, beside AdamW's step on the same matrix. The work is
/// the iteration's three GEMMs per step (2·(2r²c + r³) flops, r = the shorter side, c = the longer), reported as
/// GFLOP/s; the element-wise parts are negligible beside it.
/// </summary>
internal static class MuonSuite
{
    private static readonly (int Rows, int Cols)[] Shapes = [(256, 256), (512, 512), (1024, 1024), (768, 3072)];

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var steps = quick ? 5 : 20;
        var budget = TimeSpan.FromSeconds(quick ? 2 : 8);
        var rows = new List<BenchRow>();
        foreach (var (r, c) in Shapes)
        {
            var shape = $"{r}x{c}";
            var adamw = Time(r, c, ps => new AdamW(ps), steps, budget);
            log($"AdamW {shape}: {adamw * 1e3:F2} ms");
            foreach (var precision in new[] { NewtonSchulzPrecision.BFloat16, NewtonSchulzPrecision.Float32 })
            {
                var options = new MuonOptions { Precision = precision };
                var seconds = Time(r, c, ps => new Muon(ps, options), steps, budget);
                var (small, large) = (Math.Min(r, c), (double)Math.Max(r, c));
                var flops = options.NewtonSchulzSteps * 2.0 * ((2.0 * small * small * large) + ((double)small * small * small));
                log($"Muon {precision} {shape}: {seconds * 1e3:F2} ms, {flops / seconds / 1e9:F1} GFLOP/s, {seconds / adamw:F0}x AdamW");
                var name = $"Muon {shape} ({(precision == NewtonSchulzPrecision.BFloat16 ? "bf16" : "fp32")} Newton–Schulz)";
                rows.Add(new BenchRow { Suite = "muon", Case = name, Metric = "ms/step (best)", Unit = "ms", Value = seconds * 1e3, HigherIsBetter = false });
                rows.Add(new BenchRow { Suite = "muon", Case = name, Metric = "GEMM throughput", Unit = "GFLOP/s", Value = flops / seconds / 1e9 });
                rows.Add(new BenchRow
                {
                    Suite = "muon", Case = name, Metric = "time relative to AdamW", Unit = "x", Value = seconds / adamw, HigherIsBetter = false,
                    Note = $"AdamW {adamw * 1e3:F2} ms on the same matrix",
                });
            }
        }

        return rows;
    }

    private static double Time(int rows, int cols, Func<Parameter[], Optimizer> create, int steps, TimeSpan budget)
    {
        var rng = new Rng(7);
        var p = new Parameter(rows, cols);
        var g = new Tensor(rows, cols);
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = (float)rng.NextNormal();
            g[i] = (float)rng.NextNormal();
        }

        p.Grad = g;
        var optimizer = create([p]);
        return Measure.Time(optimizer.Step, warmup: 1, steps, budget).Best;
    }
}
