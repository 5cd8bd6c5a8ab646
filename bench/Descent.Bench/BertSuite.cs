using System.Diagnostics;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Nn.Losses;
using Descent.Text.Transformers;
using Descent.Optimizers;
using Descent.Text.Classification;

namespace Descent.Bench;

/// <summary>
/// One full fine-tuning step of a MiniLM-shaped BERT classifier (6 layers, hidden 384, 12 heads, feed-forward 1,536;
/// random weights, same FLOPs as the pretrained model) at batch 16 × 128 tokens, AdamW: step time and achieved
/// GFLOP/s (GEMM FLOPs of forward + backward counted analytically), and a per-component breakdown measured at the
/// step's shapes (forward + backward of each component alone, scaled by its count per step). Then the same step with
/// LoRA (r 8 on query/key/value/dense, head trained, AdamW on the adapters and head only), and with LoRA on the
/// attention's four projections only (query/key/value/attention.output.dense), measured in the same run: time relative
/// to full fine-tuning, trainable parameters and optimizer-state bytes of both.
/// Peers in the same run: the same step in PyTorch (bench/peers/bert_step.py: the same structure built from torch.nn,
/// as many threads as Descent's GEMM), ONNX Runtime forward-only on the pretrained model (<see cref="BertInferenceRows"/>)
/// and numpy/OpenBLAS GEMM at the step's shapes (<see cref="BertGemmRows"/>); the machine's load average is recorded
/// at the start and the end.
/// </summary>
internal static class BertSuite
{
    private const int Batch = 16;
    private const int Length = 128;

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var rows = new List<BenchRow> { MachineLoad.Row("bert", "at start") };
        rows.AddRange(TrainingStep(quick, log));
        rows.AddRange(BertInferenceRows.Run(quick, log));
        rows.AddRange(BertGemmRows.Run(quick, log));
        rows.Add(MachineLoad.Row("bert", "at end"));
        return rows;
    }

    /// <summary>The full fine-tuning step with its PyTorch peer, the LoRA step and the per-component breakdown.</summary>
    private static List<BenchRow> TrainingStep(bool quick, Action<string> log)
    {
        var blocks = quick ? 3 : 5;
        var budget = TimeSpan.FromSeconds(quick ? 20 : 60);
        var config = BertConfig.MiniLmL6;
        var rng = new Rng(0);
        var model = new BertClassifier(new BertModel(config, rng), 2, rng);
        var optimizer = new AdamW(model.Parameters(), new AdamWOptions { LearningRate = 2e-5 });
        ParameterArena.Flatten(model); // as the fine-tuner: gradients in one reused arena, fused AdamW
        var ce = new CrossEntropyLoss();
        var ids = new int[Batch * Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = 1000 + rng.NextInt(20000);
        }

        var input = new BertInput(Batch, Length, ids);
        var labels = Enumerable.Range(0, Batch).Select(i => i % 2).ToArray();
        var workspace = new Workspace();
        void Step()
        {
            using (workspace.Begin())
            {
                optimizer.ZeroGrad();
                ce.Forward(model.Forward(input), labels).Backward();
                optimizer.Step();
            }
        }

        for (var i = 0; i < 2; i++)
        {
            var probe = Stopwatch.StartNew();
            optimizer.ZeroGrad();
            var logits = model.Forward(input);
            var tForward = probe.Elapsed.TotalMilliseconds;
            ce.Forward(logits, labels).Backward();
            var tBackward = probe.Elapsed.TotalMilliseconds;
            optimizer.Step();
            log($"step phases: forward {tForward:F0} ms, loss+backward {tBackward - tForward:F0} ms, AdamW step {probe.Elapsed.TotalMilliseconds - tBackward:F0} ms");
        }

        for (var i = 0; i < 2; i++)
        {
            var probe = Stopwatch.StartNew();
            var emb = model.Bert.Embeddings.Forward(input);
            var t0 = probe.Elapsed.TotalMilliseconds;
            var bias = BertSelfAttention.MaskBias(input.MaskTensor());
            var hcur = emb;
            var layerTimes = new List<string>();
            for (var l = 0; l < config.NumLayers; l++)
            {
                var tl = probe.Elapsed.TotalMilliseconds;
                var att = model.Bert.Encoder[l].Attention.Self.Forward(hcur, bias);
                var ta = probe.Elapsed.TotalMilliseconds;
                var attended = model.Bert.Encoder[l].Attention.Output.Forward(att, hcur);
                var tb = probe.Elapsed.TotalMilliseconds;
                var inter = model.Bert.Encoder[l].Intermediate.Forward(attended);
                var tc = probe.Elapsed.TotalMilliseconds;
                hcur = model.Bert.Encoder[l].Output.Forward(inter, attended);
                layerTimes.Add($"L{l}: self {ta - tl:F0} out {tb - ta:F0} inter {tc - tb:F0} ffout {probe.Elapsed.TotalMilliseconds - tc:F0}");
            }

            var t1 = probe.Elapsed.TotalMilliseconds;
            var pooled = Pooling.MaskedMean(hcur, input.MaskTensor());
            log($"forward pieces: embeddings {t0:F0} ms, layers {t1 - t0:F0} ms ({string.Join("; ", layerTimes)}), pooling {probe.Elapsed.TotalMilliseconds - t1:F0} ms");
        }

        Step();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        Step();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var gen0 = GC.CollectionCount(0);
        var (best, median) = Measure.Time(Step, warmup: 1, blocks, budget);
        var flops = EncoderFlops.TrainingStep(config, Batch, Length, config.NumLayers);
        var gflops = flops / best / 1e9;
        log($"step {best * 1e3:F0} ms best, {median * 1e3:F0} ms median, {gflops:F1} GFLOP/s, gen-0 GCs {GC.CollectionCount(0) - gen0}, workspace {workspace.ReservedBytes / 1048576.0:F0} MiB, allocated per steady-state step {allocated / 1048576.0:F1} MiB");
        var fullState = optimizer.StateBytes;
        var fullTrainable = model.TrainableParameterCount();
        var (torch, torchError) = Peer.RunScript("bert_step.py", $"{(quick ? "--quick " : string.Empty)}--threads {Numerics.Gemm.MaxWorkers} --batch {Batch} --length {Length}", timeout: TimeSpan.FromMinutes(10));
        var torchName = torchError ?? $"PyTorch {Peer.Text(torch, "torch", "?")} ({Peer.Get(torch, "threads")} threads, {Peer.Text(torch, "blas", "?")})";
        log($"PyTorch step: {(Peer.Get(torch, "step_best_ms") is { } torchBest ? $"{torchBest:F0} ms best, {Peer.Get(torch, "step_median_ms"):F0} ms median" : torchName)}");
        var rows = new List<BenchRow>
        {
            new BenchRow { Suite = "bert", Case = "MiniLM step 16x128 (full, AdamW)", Metric = "time (best)", Unit = "ms", Value = best * 1e3, HigherIsBetter = false, Note = $"median {median * 1e3:F0} ms; target <= 450 ms and ratio >= 3" }
                .WithPeer(torchName, Peer.Get(torch, "step_best_ms")),
            new() { Suite = "bert", Case = "MiniLM step 16x128 (full, AdamW)", Metric = "GEMM GFLOP/s achieved", Unit = "GFLOP/s", Value = gflops, Note = $"{flops / 1e9:F1} GFLOP per step" },
            new() { Suite = "bert", Case = "MiniLM step 16x128 (full, AdamW)", Metric = "optimizer state", Unit = "MiB", Value = fullState / 1048576.0, HigherIsBetter = false, Note = $"{fullTrainable:N0} trainable parameters" },
        };
        // PEFT's suffix matching: "dense" takes the attention output, both feed-forward layers and the pooler (adapters
        // 1.47 % of the encoder); the second row adapts the attention's four projections only, what reaches < 1 % state.
        rows.AddRange(LoraStep(config, input, labels, blocks, budget, best, fullState, log, TextFineTuneOptions.DefaultLora.TargetModules, "q/k/v/dense"));
        rows.AddRange(LoraStep(config, input, labels, blocks, budget, best, fullState, log, ["query", "key", "value", "attention.output.dense"], "q/k/v/attention.output.dense"));

        // Components at the step's shapes, forward + backward, times their count per step. Each warms up for a second: a path
        // the step above did not run (the unfused attention, now that Auto is fused) would otherwise be timed before the
        // JIT has optimized it.
        int h = config.HiddenSize, f = config.IntermediateSize, layers = config.NumLayers;
        var x = Tensor.Normal(rng, 0, 1, Batch, Length, h);
        x.RequiresGrad = true;
        var xf = Tensor.Normal(rng, 0, 1, Batch, Length, f);
        xf.RequiresGrad = true;
        var lin = new Linear(h, h, rng);
        var up = new Linear(h, f, rng);
        var down = new Linear(f, h, rng);
        var norm = new LayerNorm(h, 1e-12);
        var attention = new BertSelfAttention(config, rng) { KernelPath = KernelPath.Reference };
        var attentionFused = new BertSelfAttention(config, rng) { KernelPath = KernelPath.Simd };
        var hiddenDropout = new Dropout(config.HiddenDropout, rng);
        var maskBias = BertSelfAttention.MaskBias(input.MaskTensor());
        var components = new (string Name, int Count, Action Run)[]
        {
            ("Linear 384→384 (Q, K, V, out)", 4 * layers, () => lin.Forward(x).Sum().Backward()),
            ("Linear 384→1536 + GELU (fused epilogue, as BertIntermediate)", layers, () => up.ForwardGelu(x).Sum().Backward()),
            ("Linear 1536→384", layers, () => down.Forward(xf).Sum().Backward()),
            ("attention core, unfused ops (KernelPath.Reference: scores, mask, softmax, dropout, P·V, head split/merge)", layers, () =>
            {
                attention.Forward(x, maskBias).Sum().Backward();
            }),
            ("attention core, fused kernel (KernelPath.Simd; Auto with AVX-512)", layers, () =>
            {
                attentionFused.Forward(x, maskBias).Sum().Backward();
            }),
            ("LayerNorm", 2 * layers + 1, () => norm.Forward(x).Sum().Backward()),
            ("residual add + dropout", 2 * layers, () => (hiddenDropout.Forward(x) + x).Sum().Backward()),
            ("LayerNorm + residual + dropout, fused (replaces the two rows above but one LayerNorm)", 2 * layers,
                () => norm.Forward(x, x, hiddenDropout, KernelPath.Simd).Sum().Backward()),
        };
        var attentionLinear = 0.0;
        var componentSpace = new Workspace();
        foreach (var (name, count, run) in components)
        {
            componentSpace.Clear();
            var (b, _) = Measure.Time(() =>
            {
                using (componentSpace.Begin())
                {
                    run();
                }
            }, warmup: 1, blocks, TimeSpan.FromSeconds(quick ? 3 : 10), warmupTime: TimeSpan.FromSeconds(1));
            var seconds = b;
            if (name.StartsWith("attention", StringComparison.Ordinal))
            {
                seconds -= 3 * attentionLinear; // the module includes its Q, K, V projections
            }
            else if (name.StartsWith("Linear 384→384", StringComparison.Ordinal))
            {
                attentionLinear = b;
            }

            var perStep = seconds * count;
            log($"{name}: {seconds * 1e3:F2} ms × {count} = {perStep * 1e3:F0} ms/step ({perStep / best:P0} of the step)");
            rows.Add(new BenchRow { Suite = "bert", Case = $"component: {name}", Metric = "ms per step", Unit = "ms", Value = perStep * 1e3, HigherIsBetter = false, Note = $"{perStep / best:P0} of the step" });
        }

        return rows;
    }

    /// <summary>The step with LoRA adapters (r 8, α 16 on <paramref name="targets"/>; the head trains) on a fresh model of the
    /// same shape: time (best of the budget) and its ratio to the full step, trainable parameters and optimizer state.</summary>
    private static List<BenchRow> LoraStep(BertConfig config, BertInput input, int[] labels, int blocks, TimeSpan budget, double fullBest, long fullState,
        Action<string> log, IReadOnlyList<string> targets, string label)
    {
        var rng = new Rng(0);
        var model = new BertClassifier(new BertModel(config, rng), 2, rng);
        LoraAdapters.Apply(model, TextFineTuneOptions.DefaultLora with { TargetModules = targets, ModulesToSave = ["classifier"] });
        var trainable = model.Parameters().Where(p => p.RequiresGrad).ToList();
        var optimizer = new AdamW(trainable, new AdamWOptions { LearningRate = 5e-4 });
        ParameterArena.Flatten(trainable);
        var ce = new CrossEntropyLoss();
        var workspace = new Workspace();
        void Step()
        {
            using (workspace.Begin())
            {
                optimizer.ZeroGrad();
                ce.Forward(model.Forward(input), labels).Backward();
                optimizer.Step();
            }
        }

        var (best, median) = Measure.Time(Step, warmup: 1, blocks, budget);
        var state = optimizer.StateBytes;
        var count = trainable.Sum(p => (long)p.Length);
        var name = $"MiniLM step 16x128 (LoRA r8 {label}, AdamW)";
        log($"LoRA ({label}) step {best * 1e3:F0} ms best, {median * 1e3:F0} ms median ({best / fullBest:F2}x full), {count:N0} trainable parameters, optimizer state {state / 1024.0:F0} KiB ({(double)state / fullState:P2} of full)");
        return
        [
            new() { Suite = "bert", Case = name, Metric = "time (best)", Unit = "ms", Value = best * 1e3, HigherIsBetter = false, Note = $"median {median * 1e3:F0} ms" },
            new() { Suite = "bert", Case = name, Metric = "time / full step", Unit = "x", Value = best / fullBest, HigherIsBetter = false, Note = "target <= 0.65" },
            new() { Suite = "bert", Case = name, Metric = "optimizer state", Unit = "MiB", Value = state / 1048576.0, HigherIsBetter = false, Note = $"{count:N0} trainable parameters; {(double)state / fullState:P2} of full (target < 1%)" },
        ];
    }
}
