using Descent.Distributed;
using Descent.Tests.Distributed;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Text.Transformers;

namespace Descent.Tests.Text.Classification;

/// <summary>
/// <see cref="TextClassifierFineTuner"/> as one rank of a data-parallel job (<c>mpirun -n N descent finetune --model minilm</c>),
/// with N ranks as N threads: without dropout, fine-tuning the tiny BERT on shards of every batch equals one process at the same
/// global batch to rounding (loss, throughput counters, weights); head mode and batches that would leave a rank empty are refused.
/// </summary>
public sealed class DataParallelFineTuneTests
{
    private static TokenizedTexts Tokenized() =>
        TokenizedTexts.Create(MiniLm.CreateTokenizer(12), TextClassifierFineTunerTests.Texts, TextClassifierFineTunerTests.Labels);

    private static TextFineTuneOptions Options(FineTuneMode mode = FineTuneMode.Full, int batch = 4) => new()
    {
        // SGD (momentum 0.9), whose update is linear in the gradient: the weights differ by rounding only (Adam's normalized update
        // would magnify rounding in gradients near zero).
        Mode = mode, TopK = 1, Optimizer = FineTuneOptimizer.Sgd, BatchSize = batch, Epochs = 2, MaxLength = 12, Seed = 5, HeadDropout = 0,
        EncoderDropout = false, MaxGradNorm = 1.0,
    };

    private static (FineTuneResult Result, float[] Weights) Run(TextFineTuneOptions options, Communicator? communicator)
    {
        var encoder = new BertModel(TextClassifierFineTunerTests.Tiny, new Rng(1));
        var result = TextClassifierFineTuner.Run(encoder, Tokenized(), Tokenized(), options,
            dataParallel: communicator is null ? null : new DataParallel(communicator));
        return (result, [.. encoder.Parameters().SelectMany(p => p.Span.ToArray())]);
    }

    [Theory]
    [InlineData(FineTuneMode.Full, 4, 2)]  // shards of 2
    [InlineData(FineTuneMode.TopK, 3, 2)]  // batches of 3, 3 and 2 texts: shards of 2 + 1 and 1 + 1
    [InlineData(FineTuneMode.Lora, 4, 2)]
    public void RanksEqualOneProcessAtTheSameGlobalBatch(FineTuneMode mode, int batch, int ranks)
    {
        var (one, weights) = Run(Options(mode, batch), null);
        var parallel = ThreadCommunicator.Run(ranks, c => Run(Options(mode, batch), c));
        // Rank 0 evaluates (the others do not: NaN).
        Assert.Equal(one.Epochs.Select(e => (e.Epoch, e.Accuracy, e.F1)), parallel[0].Result.Epochs.Select(e => (e.Epoch, e.Accuracy, e.F1)));
        Assert.All(parallel[1].Result.Epochs, e => Assert.True(double.IsNaN(e.Accuracy) && double.IsNaN(e.F1)));
        foreach (var (result, w) in parallel)
        {
            foreach (var (e, a) in one.Epochs.Zip(result.Epochs))
            {
                Assert.True(Math.Abs(e.TrainLoss - a.TrainLoss) <= 1e-5 * Math.Abs(e.TrainLoss), $"train loss {e.TrainLoss:R} vs {a.TrainLoss:R}");
                Assert.Equal(e.GflopsPerSecond > 0, a.GflopsPerSecond > 0);
            }

            Assert.Equal(one.Steps, result.Steps);
            var worst = weights.Zip(w).Max(p => Math.Abs(p.First - p.Second) / Math.Max(Math.Abs(p.First), 1e-2f));
            Assert.InRange(worst, 0, 1e-5);
        }

        Assert.Equal(parallel[0].Weights, parallel[1].Weights); // every rank holds the same model
    }

    [Fact]
    public void HeadModeAndAnEmptyShardAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ThreadCommunicator.Run(2, c => Run(Options(FineTuneMode.Head, 4), c)));
        Assert.Contains("head mode trains only a small head", e.Message, StringComparison.Ordinal);
        // 8 texts in batches of 7 leave a last batch of 1 text for 2 ranks.
        e = Assert.Throws<ArgumentException>(() => ThreadCommunicator.Run(2, c => Run(Options(FineTuneMode.Full, 7), c)));
        Assert.Contains("the last batch of an epoch holds 1 of the 8 training texts (batches of 7), fewer than the 2 ranks", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ThreadCommunicator.Run(3, c => Run(Options(FineTuneMode.Full, 2), c)));
        Assert.Contains("3 ranks split every batch of 2 texts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneRankIsThePlainRunBitForBit()
    {
        var (plain, weights) = Run(Options(), null);
        var (single, w) = Run(Options(), SingleProcessCommunicator.Instance);
        Assert.Equal(plain.Epochs.Select(e => (e.TrainLoss, e.Accuracy)), single.Epochs.Select(e => (e.TrainLoss, e.Accuracy)));
        Assert.Equal(weights, w);
    }
}
