using System.Diagnostics;
using Descent.Autodiff;
using Descent.Nn.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Mean-pooled sentence embeddings of a training and a held-out set, computed once by a frozen encoder in eval mode
/// (the cache that head-only fine-tuning trains on), with the time and GEMM FLOPs it took.
/// </summary>
public sealed record PooledEmbeddings(Tensor Train, Tensor Test, double Seconds, double Flops)
{
    /// <summary>Embeds both sets ([count, hidden] each) without gradients, in batches padded to their longest text.</summary>
    public static PooledEmbeddings Compute(BertModel encoder, TokenizedTexts train, TokenizedTexts test, int batchSize,
        Action<FineTuneProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var wasTraining = encoder.IsTraining;
        encoder.Eval();
        var clock = Stopwatch.StartNew();
        double flops = 0;
        long tokens = 0;
        var total = train.Count + test.Count;
        var done = 0;
        Tensor Embed(TokenizedTexts texts)
        {
            var hidden = encoder.Config.HiddenSize;
            var result = new Tensor(texts.Count, hidden);
            var all = Enumerable.Range(0, texts.Count).ToArray();
            using (Tape.NoGrad())
            {
                for (var start = 0; start < texts.Count; start += batchSize)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var indices = all.AsSpan(start, Math.Min(batchSize, texts.Count - start));
                    var input = texts.Batch(indices, out var batchTokens);
                    encoder.EncodeSentences(input).Span.CopyTo(result.Span.Slice(start * hidden, indices.Length * hidden));
                    flops += EncoderFlops.Forward(encoder.Config, input.BatchSize, input.SequenceLength);
                    tokens += batchTokens;
                    done += indices.Length;
                    progress?.Invoke(new FineTuneProgress("cache", 0, done, total, tokens, clock.Elapsed.TotalSeconds, double.NaN, double.NaN));
                }
            }

            return result;
        }

        var trainEmbeddings = Embed(train);
        var testEmbeddings = Embed(test);
        encoder.Train(wasTraining);
        return new PooledEmbeddings(trainEmbeddings, testEmbeddings, clock.Elapsed.TotalSeconds, flops);
    }
}
