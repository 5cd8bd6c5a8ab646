using Descent.Nn;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Bench;

/// <summary>
/// Optimizer step time for SGD (momentum 0.9), Adam and AdamW over 1M, 16M and 64M float32 parameters in 16
/// tensors, the effective bandwidth (28 B/param for Adam/AdamW: read p, g, m, v, write p, m, v; 20 for
/// SGD-momentum), and the copy bandwidth measured in the same run. Peer: torch.optim (default for-loop
/// implementation), as installed and with glibc malloc tuned. Then AdamW with low-precision moments (16 tensors):
/// bf16 moments (20 B/param moved) and bitsandbytes' 8-bit block-wise AdamW8bit (16 B/param moved, CUDA convention),
/// with their state bytes per parameter (<see cref="Optimizer.StateBytes"/>) and speed-up over fp32 AdamW.
/// </summary>
internal static class OptimSuite
{
    private static readonly int[] Sizes = [1 << 20, 1 << 24, 1 << 26];

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var steps = quick ? 10 : 30;
        var budget = TimeSpan.FromSeconds(quick ? 2 : 8);
        var rows = new List<BenchRow>();
        var descent = new List<(string Opt, bool Flat, int Size, double Best, double Median)>();
        foreach (var size in Sizes)
        {
            var copy = CopyBandwidth(size, steps, budget);
            rows.Add(new BenchRow
            {
                Suite = "optim", Case = $"copy {Label(size)} floats", Metric = "copy bandwidth (best)", Unit = "GB/s",
                Value = copy, Note = $"read+write {2L * 4 * size / 1e6:F0} MB, {ParallelRange.MaxWorkers} threads",
            });
            foreach (var opt in new[] { "sgd", "adam", "adamw" })
            {
                foreach (var flat in new[] { true, false })
                {
                    var (best, median, state) = TimeOptimizer(opt, flat, size, steps, budget);
                    descent.Add((opt, flat, size, best, median));
                    var bytes = (opt == "sgd" ? 20.0 : 28.0) * size;
                    var gbs = bytes / best / 1e9;
                    log($"{Case(opt, flat, size)}: {best * 1e3:F2} ms best, {median * 1e3:F2} ms median, {gbs:F1} GB/s (copy {copy:F1}), " +
                        $"state {state:F3} B/param");
                    rows.Add(new BenchRow
                    {
                        Suite = "optim", Case = Case(opt, flat, size), Metric = "effective bandwidth (best)", Unit = "GB/s",
                        Value = gbs, Note = $"{gbs / copy * 100:F0}% of copy bandwidth {copy:F1} GB/s",
                    });
                    rows.Add(new BenchRow
                    {
                        Suite = "optim", Case = Case(opt, flat, size), Metric = "fraction of copy bandwidth", Unit = "x",
                        Value = gbs / copy,
                    });
                }
            }
        }

        rows.AddRange(LowPrecision(descent, steps, budget, log));
        var sizes = string.Join(',', Sizes);
        var arguments = $"--sizes {sizes} --steps {steps}" + (quick ? " --quick" : string.Empty);
        foreach (var (variant, env) in new (string, IReadOnlyDictionary<string, string>?)[] { ("default", null), ("malloc-tuned", Peer.MallocTuned) })
        {
            log($"running PyTorch peer ({variant})");
            var (peer, error) = Peer.Run("optim", arguments, env);
            var name = error ?? $"torch {Peer.Text(peer, "torch", "?")} for-loop, {variant}";
            foreach (var (opt, flat, size, best, median) in descent)
            {
                var row = new BenchRow
                {
                    Suite = "optim", Case = Case(opt, flat, size), Metric = "ms/step (best)", Unit = "ms",
                    Value = best * 1e3, HigherIsBetter = false,
                };
                rows.Add(row.WithPeer(name, Peer.Get(peer, $"{opt}_{size}_best")));
                rows.Add((row with { Metric = "ms/step (median)", Value = median * 1e3 }).WithPeer(name, Peer.Get(peer, $"{opt}_{size}_median")));
            }
        }

        return rows;
    }

    /// <summary>Only fp32 AdamW (16 tensors) and its low-precision variants at each size, same run (the
    /// <c>lowprec</c> suite: the ratio rows without the SGD/Adam sweep and the PyTorch peer).</summary>
    public static List<BenchRow> RunLowPrecision(bool quick, Action<string> log)
    {
        var steps = quick ? 10 : 30;
        var budget = TimeSpan.FromSeconds(quick ? 2 : 8);
        var fp32 = new List<(string Opt, bool Flat, int Size, double Best, double Median)>();
        foreach (var size in Sizes)
        {
            var (best, median, state) = TimeOptimizer("adamw", flat: false, size, steps, budget);
            log($"{Case("adamw", false, size)}: {best * 1e3:F2} ms best, {median * 1e3:F2} ms median, {28.0 * size / best / 1e9:F1} GB/s, " +
                $"state {state:F3} B/param");
            fp32.Add(("adamw", false, size, best, median));
        }

        var rows = fp32.Select(r => new BenchRow
        {
            Suite = "lowprec", Case = Case(r.Opt, r.Flat, r.Size), Metric = "ms/step (best)", Unit = "ms", Value = r.Best * 1e3, HigherIsBetter = false,
        }).ToList();
        rows.AddRange(LowPrecision(fp32, steps, budget, log).Select(r => r with { Suite = "lowprec" }));
        rows.AddRange(Profile(quick, log));
        return rows;
    }

    /// <summary>Single-thread CPU time (this thread's clock, so a busy machine matters less) per element of each
    /// step and of each codec of the low-precision step, 1M parameters in 16 tensors.</summary>
    private static List<BenchRow> Profile(bool quick, Action<string> log)
    {
        var rows = new List<BenchRow>();
        var saved = ParallelRange.MaxWorkers;
        ParallelRange.MaxWorkers = 1;
        try
        {
            const int size = 1 << 20;
            var reps = quick ? 20 : 60;
            foreach (var opt in new[] { "adamw", "adamw-bf16", "adamw8bit", "adamw8bit-cpu" })
            {
                var optimizer = Create(opt, Tensors(size, out _));
                var ns = CpuTime(optimizer.Step, reps) / size * 1e9;
                log($"profile {opt}: {ns:F3} ns/element (1 thread, CPU time)");
                rows.Add(new BenchRow { Suite = "lowprec", Case = $"{opt} 1M (16 tensors, 1 thread)", Metric = "CPU ns/element", Unit = "ns", Value = ns, HigherIsBetter = false });
            }

            var x = new float[size];
            Fill(x, new Rng(3));
            var codes = new byte[size];
            var halves = new ushort[size];
            var back = new float[size];
            var codecs = new (string Name, Action Run)[]
            {
                ("decode 8-bit", () => PackedVectorsDecode(codes, back)),
                ("encode 8-bit cuda", () => Blocks(x, (b, lo, s) => PackedVectors.NearestCodes(s, 1f, DynamicMap.Signed, keepSign: true, codes.AsSpan(lo, s.Length)))),
                ("encode 8-bit cpu", () => Blocks(x, (b, lo, s) => PackedVectors.LookupCodes(s, 1f, DynamicMap.Signed, codes.AsSpan(lo, s.Length)))),
                ("absmax", () => Blocks(x, (b, lo, s) => PackedVectors.Absmax(s, 0f).Top)),
                ("encode bf16", () => PackedVectors.EncodeHalves(x, halves)),
                ("decode bf16", () => PackedVectors.DecodeHalves(halves, back)),
            };
            foreach (var (name, run) in codecs)
            {
                var ns = CpuTime(run, reps) / size * 1e9;
                log($"profile {name}: {ns:F3} ns/element (1 thread)");
                rows.Add(new BenchRow { Suite = "lowprec", Case = $"codec {name} (1 thread)", Metric = "CPU ns/element", Unit = "ns", Value = ns, HigherIsBetter = false });
            }
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }

        return rows;
    }

    private static void PackedVectorsDecode(byte[] codes, float[] back)
    {
        for (var lo = 0; lo < codes.Length; lo += 256)
        {
            PackedVectors.DecodeCodes(codes.AsSpan(lo, 256), DynamicMap.Signed, 0.5f, back.AsSpan(lo, 256));
        }
    }

    private static void Blocks(float[] x, Func<int, int, ReadOnlySpan<float>, float> run)
    {
        for (var lo = 0; lo < x.Length; lo += 256)
        {
            run(lo / 256, lo, x.AsSpan(lo, 256));
        }
    }

    private static double CpuTime(Action action, int reps)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var best = double.MaxValue;
        for (var i = 0; i < reps; i++)
        {
            var t0 = ThreadClock.Now();
            action();
            best = Math.Min(best, ThreadClock.Now() - t0);
        }

        return best;
    }

    /// <summary>AdamW with bf16 and 8-bit moments at each size beside fp32 AdamW (16 tensors, same run).</summary>
    private static List<BenchRow> LowPrecision(
        List<(string Opt, bool Flat, int Size, double Best, double Median)> fp32, int steps, TimeSpan budget, Action<string> log)
    {
        var rows = new List<BenchRow>();
        foreach (var size in Sizes)
        {
            var baseline = fp32.Single(r => r.Opt == "adamw" && !r.Flat && r.Size == size).Best;
            foreach (var opt in new[] { "adamw-bf16", "adamw8bit" })
            {
                var (best, median, state) = TimeOptimizer(opt, flat: false, size, steps, budget);
                var gbs = (opt == "adamw8bit" ? 16.0 : 20.0) * size / best / 1e9;
                var speedup = baseline / best;
                var name = $"{Name(opt)} {Label(size)} (16 tensors)";
                log($"{name}: {best * 1e3:F2} ms best, {median * 1e3:F2} ms median, {gbs:F1} GB/s, state {state:F3} B/param, " +
                    $"{speedup:F2}x fp32 AdamW ({baseline * 1e3:F2} ms)");
                rows.Add(new BenchRow { Suite = "optim", Case = name, Metric = "ms/step (best)", Unit = "ms", Value = best * 1e3, HigherIsBetter = false });
                rows.Add(new BenchRow { Suite = "optim", Case = name, Metric = "effective bandwidth (best)", Unit = "GB/s", Value = gbs });
                rows.Add(new BenchRow { Suite = "optim", Case = name, Metric = "state bytes per parameter", Unit = "B", Value = state, HigherIsBetter = false });
                rows.Add(new BenchRow
                {
                    Suite = "optim", Case = name, Metric = "speed-up over fp32 AdamW", Unit = "x", Value = speedup,
                    Note = $"target {(opt == "adamw8bit" ? "1.4" : "1.2")}x",
                });
            }
        }

        return rows;
    }

    private static string Case(string opt, bool flat, int size) =>
        $"{Name(opt)} {Label(size)} ({(flat ? "flat arena" : "16 tensors")})";

    private static string Name(string opt) => opt switch
    {
        "sgd" => "SGD momentum 0.9",
        "adam" => "Adam",
        "adamw-bf16" => "AdamW bf16 moments",
        "adamw8bit" => "AdamW8bit",
        _ => "AdamW",
    };

    private static string Label(int size) => size >= 1 << 20 ? $"{size >> 20}M" : $"{size >> 10}K";

    private static (double Best, double Median, double StateBytesPerParameter) TimeOptimizer(string opt, bool flat, int size, int steps, TimeSpan budget)
    {
        var parameters = Tensors(size, out _);
        if (flat)
        {
            ParameterArena.Flatten(parameters);
        }

        var optimizer = Create(opt, parameters);
        var (best, median) = Measure.Time(optimizer.Step, warmup: 2, steps, budget);
        var state = optimizer.StateBytes / (double)size;
        parameters.Clear();
        GC.Collect();
        return (best, median, state);
    }

    private static List<Parameter> Tensors(int size, out Rng rng)
    {
        rng = new Rng(42);
        var per = size / 16;
        var parameters = new List<Parameter>();
        for (var i = 0; i < 16; i++)
        {
            var p = new Parameter(per);
            Fill(p.Span, rng);
            p.Grad = new Tensor(per);
            Fill(p.Grad.Span, rng);
            parameters.Add(p);
        }

        return parameters;
    }

    private static Optimizer Create(string opt, List<Parameter> parameters) => opt switch
    {
        "sgd" => new Sgd(parameters, new SgdOptions { LearningRate = 1e-3, Momentum = 0.9 }),
        "adam" => new Adam(parameters, new AdamOptions { LearningRate = 1e-3 }),
        "adamw-bf16" => new AdamW8bit(parameters, new AdamW8bitOptions
        {
            ExpAvgPrecision = StatePrecision.Bf16, ExpAvgSqPrecision = StatePrecision.Bf16,
        }),
        "adamw8bit" => new AdamW8bit(parameters),
        "adamw8bit-cpu" => new AdamW8bit(parameters, new AdamW8bitOptions { Convention = BnbConvention.Cpu }),
        _ => new AdamW(parameters, new AdamWOptions { LearningRate = 1e-3 }),
    };

    private static void Fill(Span<float> x, Rng rng)
    {
        // Cheap deterministic values (the step time does not depend on them).
        var seed = (float)rng.NextDouble();
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = seed + ((i & 1023) * 1e-3f) - 0.5f;
        }
    }

    private static double CopyBandwidth(int size, int reps, TimeSpan budget)
    {
        var src = new float[size];
        var dst = new float[size];
        src.AsSpan().Fill(1f);
        dst.AsSpan().Clear();
        var job = new CopyJob(src, dst);
        var (best, _) = Measure.Time(() => ParallelRange.For(size, 1 << 16, job), warmup: 2, reps, budget);
        return 2.0 * 4 * size / best / 1e9;
    }

    private sealed class CopyJob(float[] src, float[] dst) : IRangeJob
    {
        public void Execute(int start, int end) => src.AsSpan(start, end - start).CopyTo(dst.AsSpan(start, end - start));
    }
}
