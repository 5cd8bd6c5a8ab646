using System.Diagnostics;
using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// The frozen encoder's pooled hidden states (<see cref="HiddenStatePools"/>: every layer, mean, max and [CLS]) of a
/// training and a held-out set, computed once in eval mode — the cache head-only fine-tuning trains on, whatever
/// <see cref="HeadFeatures"/> it selects — with the time and GEMM FLOPs it took.
/// </summary>
public sealed record PooledEmbeddings(HiddenStatePools Train, HiddenStatePools Test, double Seconds, double Flops)
{
    /// <summary>Pools both sets without gradients, in batches of similar length (see <see cref="HiddenStatePools.Compute"/>).</summary>
    public static PooledEmbeddings Compute(BertModel encoder, TokenizedTexts train, TokenizedTexts test, int batchSize,
        Action<FineTuneProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        var total = train.Count + test.Count;
        var done = 0;
        void OnBatch(int texts, long batchTokens)
        {
            done += texts;
            tokens += batchTokens;
            progress?.Invoke(new FineTuneProgress("cache", 0, done, total, tokens, clock.Elapsed.TotalSeconds, double.NaN, double.NaN));
        }

        var trainPools = HiddenStatePools.Compute(encoder, train, batchSize, OnBatch, cancellation);
        var testPools = HiddenStatePools.Compute(encoder, test, batchSize, OnBatch, cancellation);
        return new PooledEmbeddings(trainPools, testPools, clock.Elapsed.TotalSeconds, trainPools.Flops + testPools.Flops);
    }
}
