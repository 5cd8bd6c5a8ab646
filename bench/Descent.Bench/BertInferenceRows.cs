using System.Globalization;
using Descent.Autodiff;
using Descent.Onnx;
using Descent.Text;
using Descent.Text.Transformers;
using Microsoft.ML.OnnxRuntime;

namespace Descent.Bench;

/// <summary>
/// Forward-only MiniLM (all-MiniLM-L6-v2, inference mode, no tape) against ONNX Runtime running the same ONNX model
/// with intra-op threads = cores, in the same run: throughput at batch 32 × 128 tokens (sequences/s) and latency at
/// 1 × 128 (ms). Both compute the last hidden state and the pooler output from random token ids, no padding.
/// Without the model files the Descent rows run on random weights of the same shape and the peer prints how to
/// install them.
/// </summary>
internal static class BertInferenceRows
{
    private const int Length = 128;

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var (directory, missing) = BenchMiniLm.Locate();
        byte[]? bytes = directory is null ? null : File.ReadAllBytes(Path.Combine(directory, MiniLm.ModelFile));
        var model = bytes is null ? new BertModel(BertConfig.MiniLmL6, new Rng(0)) : MiniLm.LoadModel(OnnxModel.Parse(bytes));
        model.Eval();
        InferenceSession? session = null;
        string peerName;
        try
        {
            if (bytes is not null)
            {
                using var options = new SessionOptions
                {
                    IntraOpNumThreads = Environment.ProcessorCount,
                    InterOpNumThreads = 1,
                    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                };
                session = new InferenceSession(bytes, options);
            }

            peerName = session is null
                ? missing!
                : $"ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version?.ToString(3)} ({Environment.ProcessorCount} intra-op threads)";
            var rows = new List<BenchRow>();
            foreach (var (batch, latency) in new[] { (32, false), (1, true) })
            {
                var input = RandomInput(batch);
                var budget = TimeSpan.FromSeconds(quick ? 4 : 15);
                var reps = latency ? 200 : 30;
                var workspace = new Workspace();
                var (best, median) = Measure.Time(() => DescentForward(model, input, workspace), warmup: 3, reps, budget, TimeSpan.FromSeconds(1));
                double? peerBest = null;
                if (session is not null)
                {
                    using var ort = new OrtInputs(session, input);
                    (peerBest, _) = Measure.Time(ort.Run, warmup: 3, reps, budget);
                }

                var row = latency
                    ? new BenchRow { Suite = "bert", Case = $"MiniLM forward 1x{Length} (inference)", Metric = "latency (best)", Unit = "ms", Value = best * 1e3, HigherIsBetter = false, Note = Invariant($"median {median * 1e3:F1} ms; target ratio >= 1.0") }
                    : new BenchRow { Suite = "bert", Case = $"MiniLM forward {batch}x{Length} (inference)", Metric = "throughput (best)", Unit = "seq/s", Value = batch / best, Note = Invariant($"median {batch / median:F1} seq/s, {batch * Length / best:F0} tokens/s; target ratio >= 1.0") };
                var peerValue = peerBest is not { } pb ? (double?)null : latency ? pb * 1e3 : batch / pb;
                rows.Add(row.WithPeer(peerName, peerValue));
                log(Invariant($"forward {batch}x{Length}: Descent {best * 1e3:F1} ms, ONNX Runtime {(peerBest is { } p ? (p * 1e3).ToString("F1", CultureInfo.InvariantCulture) : "-")} ms"));
            }

            return rows;
        }
        finally
        {
            session?.Dispose();
        }
    }

    private static void DescentForward(BertModel model, BertInput input, Workspace workspace)
    {
        using (Tape.NoGrad())
        using (workspace.Begin())
        {
            model.Pooler.Forward(model.Forward(input));
        }
    }

    private static BertInput RandomInput(int batch)
    {
        var rng = new Rng((ulong)batch);
        var ids = new int[batch * Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = 1000 + rng.NextInt(20000);
        }

        return new BertInput(batch, Length, ids);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>One batch's ONNX Runtime inputs, created once so that a timed run is the session's run alone.</summary>
    private sealed class OrtInputs : IDisposable
    {
        private static readonly string[] Names = ["input_ids", "attention_mask", "token_type_ids"];
        private readonly InferenceSession session;
        private readonly OrtValue[] values;
        private readonly RunOptions options = new();

        public OrtInputs(InferenceSession session, BertInput input)
        {
            this.session = session;
            long[] shape = [input.BatchSize, input.SequenceLength];
            values =
            [
                OrtValue.CreateTensorValueFromMemory(input.InputIds.Select(v => (long)v).ToArray(), shape),
                OrtValue.CreateTensorValueFromMemory(input.AttentionMask.Select(v => (long)v).ToArray(), shape),
                OrtValue.CreateTensorValueFromMemory(input.TokenTypeIds.Select(v => (long)v).ToArray(), shape),
            ];
        }

        public void Run()
        {
            using var outputs = session.Run(options, Names, values, session.OutputNames);
        }

        public void Dispose()
        {
            foreach (var v in values)
            {
                v.Dispose();
            }

            options.Dispose();
        }
    }
}
