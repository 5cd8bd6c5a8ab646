using Descent.Autodiff;
using Descent.Nn;
using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Every pooling (<see cref="SentencePooling"/> Mean, Max, Cls) of every hidden state (embedding output and each layer)
/// of a frozen encoder for a set of texts, [texts, layers + 1, 3, hidden], computed once in eval mode without
/// gradients by <see cref="Pooling.MaskedPools"/> (the pooling fine-tuning trains through); <see cref="Select"/> cuts out
/// the features of one <see cref="HeadFeatures"/> choice.
/// </summary>
public sealed class HiddenStatePools
{
    private const int PoolingSlots = 3;

    private HiddenStatePools(Tensor values, double flops)
    {
        Values = values;
        Flops = flops;
    }

    /// <summary>The pools, [texts, layers + 1, 3 (mean, max, cls), hidden].</summary>
    public Tensor Values { get; }

    /// <summary>Number of texts.</summary>
    public int Count => Values.Shape[0];

    /// <summary>Hidden states per text (layers + 1).</summary>
    public int States => Values.Shape[1];

    /// <summary>Hidden size.</summary>
    public int HiddenSize => Values.Shape[3];

    /// <summary>GEMM FLOPs of the forward passes (<see cref="EncoderFlops.Forward"/>).</summary>
    public double Flops { get; }

    /// <summary>
    /// Runs <paramref name="encoder"/> (eval mode, no gradients; its mode is restored) over <paramref name="texts"/> in
    /// batches of <paramref name="batchSize"/> taken in order of length (so little padding; results are stored in the
    /// texts' order) and pools every hidden state (padding never takes part). <paramref name="onBatch"/> gets the texts and
    /// real tokens of each batch.
    /// </summary>
    public static HiddenStatePools Compute(BertModel encoder, TokenizedTexts texts, int batchSize,
        Action<int, long>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var config = encoder.Config;
        int states = config.NumLayers + 1, hidden = config.HiddenSize, width = states * PoolingSlots * hidden;
        var values = new Tensor(texts.Count, states, PoolingSlots, hidden);
        var byLength = Enumerable.Range(0, texts.Count).OrderBy(i => texts.Ids(i).Length).ThenBy(i => i).ToArray();
        var wasTraining = encoder.IsTraining;
        encoder.Eval();
        var workspace = new BatchWorkspace();
        double flops = 0;
        try
        {
            using (Tape.NoGrad())
            {
                for (var start = 0; start < byLength.Length; start += batchSize)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var indices = byLength.AsSpan(start, Math.Min(batchSize, byLength.Length - start));
                    var input = texts.Batch(indices, out var tokens);
                    using (workspace.Begin(input))
                    {
                        // [B, states·3·hidden], state by state mean, max, first token: one text's row of Values.
                        var pooled = Pooling.MaskedPools(encoder.HiddenStates(input), input.MaskTensor(), mean: true, max: true, first: true);
                        for (var b = 0; b < indices.Length; b++)
                        {
                            pooled.Span.Slice(b * width, width).CopyTo(values.Span.Slice(indices[b] * width, width));
                        }
                    }

                    flops += EncoderFlops.Forward(config, input.BatchSize, input.SequenceLength);
                    onBatch?.Invoke(indices.Length, tokens);
                }
            }
        }
        finally
        {
            encoder.Train(wasTraining);
        }

        return new HiddenStatePools(values, flops);
    }

    /// <summary>The features of <paramref name="features"/> for every text, [texts, <see cref="HeadFeatures.Dimension"/>].</summary>
    public Tensor Select(HeadFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        int hidden = HiddenSize, states = States;
        var layers = features.Layers == FeatureLayers.All ? Enumerable.Range(0, states).ToArray() : [states - 1];
        var slots = features.Poolings().Select(p => p switch
        {
            SentencePooling.Mean => 0,
            SentencePooling.Max => 1,
            _ => 2,
        }).ToArray();
        var width = layers.Length * slots.Length * hidden;
        var result = new Tensor(Count, width);
        var src = Values.Span;
        var dst = result.Span;
        for (var i = 0; i < Count; i++)
        {
            var offset = i * width;
            foreach (var l in layers)
            {
                foreach (var slot in slots)
                {
                    src.Slice((((i * states) + l) * PoolingSlots + slot) * hidden, hidden).CopyTo(dst.Slice(offset, hidden));
                    offset += hidden;
                }
            }
        }

        return result;
    }
}
