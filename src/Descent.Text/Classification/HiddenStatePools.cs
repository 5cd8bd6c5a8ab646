using Descent.Autodiff;
using Descent.Nn.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Every pooling (<see cref="SentencePooling"/> Mean, Max, Cls) of every hidden state (embedding output and each layer)
/// of a frozen encoder for a set of texts, [texts, layers + 1, 3, hidden], computed once in eval mode without
/// gradients; <see cref="Select"/> cuts out the features of one <see cref="HeadFeatures"/> choice.
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
    /// texts' order) and pools every hidden state. <paramref name="onBatch"/> gets the texts and real tokens of each batch.
    /// </summary>
    public static HiddenStatePools Compute(BertModel encoder, TokenizedTexts texts, int batchSize,
        Action<int, long>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var config = encoder.Config;
        int states = config.NumLayers + 1, hidden = config.HiddenSize;
        var values = new Tensor(texts.Count, states, PoolingSlots, hidden);
        var byLength = Enumerable.Range(0, texts.Count).OrderBy(i => texts.Ids(i).Length).ThenBy(i => i).ToArray();
        var wasTraining = encoder.IsTraining;
        encoder.Eval();
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
                    var hiddenStates = encoder.HiddenStates(input);
                    for (var b = 0; b < indices.Length; b++)
                    {
                        var length = texts.Ids(indices[b]).Length;
                        for (var l = 0; l < states; l++)
                        {
                            var rows = hiddenStates[l].Span.Slice(b * input.SequenceLength * hidden, length * hidden);
                            Pool(rows, length, hidden, values.Span.Slice(((indices[b] * states) + l) * PoolingSlots * hidden, PoolingSlots * hidden));
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

    /// <summary>
    /// Pools one text's hidden states <paramref name="rows"/> [length, hidden] into <paramref name="destination"/>
    /// [3, hidden]: mean, max (over the <paramref name="length"/> rows) and the first row.
    /// </summary>
    public static void Pool(ReadOnlySpan<float> rows, int length, int hidden, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (rows.Length != length * hidden || destination.Length != PoolingSlots * hidden)
        {
            throw new ArgumentException($"need rows [{length}, {hidden}] and destination [3, {hidden}]");
        }

        var mean = destination[..hidden];
        var max = destination.Slice(hidden, hidden);
        var cls = destination.Slice(2 * hidden, hidden);
        var first = rows[..hidden];
        first.CopyTo(cls);
        first.CopyTo(max);
        var sum = new double[hidden];
        for (var s = 0; s < length; s++)
        {
            var row = rows.Slice(s * hidden, hidden);
            for (var h = 0; h < hidden; h++)
            {
                sum[h] += row[h];
                max[h] = Math.Max(max[h], row[h]);
            }
        }

        for (var h = 0; h < hidden; h++)
        {
            mean[h] = (float)(sum[h] / length);
        }
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
