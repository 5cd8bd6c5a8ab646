using Descent.Text.Transformers;
using Descent.Optimizers;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

/// <summary>The MiniLM fine-tuning pipeline's pieces on a tiny BERT (MiniLM's vocabulary, 16 wide, 2 layers).</summary>
public sealed class TextClassifierFineTunerTests
{
    /// <summary>The tiny BERT and the 8 labelled texts these tests (and the loop characterization) train on.</summary>
    internal static readonly BertConfig Tiny = new() { HiddenSize = 16, NumLayers = 2, NumHeads = 2, IntermediateSize = 32, MaxPositions = 64 };

    internal static readonly string[] Texts =
    [
        "Win a FREE prize now!!! Click here", "Meeting moved to 3pm, see agenda", "Cheap meds, no prescription needed",
        "Can you review my patch before Friday?", "You have been selected for a cash reward", "Lunch tomorrow?",
        "Limited offer: buy one get one free", "The build is green again after the fix",
    ];

    internal static readonly int[] Labels = [1, 0, 1, 0, 1, 0, 1, 0];

    private static TokenizedTexts Tokenized(int maxLength = 12) => TokenizedTexts.Create(MiniLm.CreateTokenizer(maxLength), Texts, Labels);

    [Fact]
    public void EncoderFlopsCountTheGemmsOfMiniLm()
    {
        // Per layer at 16 × 128: 2·2048·(4·384² + 2·384·1536) + 4·16·128²·384 = 7,650,410,496 FLOPs.
        Assert.Equal(7_650_410_496d, EncoderFlops.LayerForward(BertConfig.MiniLmL6, 16, 128));
        Assert.Equal(6 * 7_650_410_496d, EncoderFlops.Forward(BertConfig.MiniLmL6, 16, 128));
        Assert.Equal(18 * 7_650_410_496d, EncoderFlops.TrainingStep(BertConfig.MiniLmL6, 16, 128, 6));
        Assert.Equal((4 + 6) * 7_650_410_496d, EncoderFlops.TrainingStep(BertConfig.MiniLmL6, 16, 128, 2));
    }

    [Fact]
    public void BatchesArePaddedToTheirLongestText()
    {
        var texts = Tokenized();
        var input = texts.Batch([5, 0], out var tokens);
        var lengths = new[] { texts.Ids(5).Length, texts.Ids(0).Length };
        Assert.Equal(lengths.Max(), input.SequenceLength);
        Assert.Equal(lengths.Sum(), tokens);
        Assert.Equal(12, texts.Ids(0).Length); // truncated to the maximum length, [SEP] kept
        for (var b = 0; b < 2; b++)
        {
            for (var s = 0; s < input.SequenceLength; s++)
            {
                Assert.Equal(s < lengths[b] ? 1 : 0, input.AttentionMask[(b * input.SequenceLength) + s]);
                Assert.Equal(s < lengths[b] ? texts.Ids(b == 0 ? 5 : 0)[s] : 0, input.InputIds[(b * input.SequenceLength) + s]);
            }
        }

        Assert.Equal([0, 1], texts.LabelsOf([5, 0]));
    }

    [Fact]
    public void LengthBucketingSortsWithinWindowsAndKeepsEveryTextOnce()
    {
        var texts = Tokenized(maxLength: 64);
        var order = new[] { 3, 7, 0, 5, 1, 6, 2, 4 };
        var grouped = order.ToArray();
        texts.GroupByLength(grouped, batchSize: 2, windowBatches: 2, new Rng(4));
        Assert.Equal(order.Order(), grouped.Order()); // a permutation
        for (var w = 0; w < 2; w++)
        {
            // Each window holds the same texts as before, and its batches are runs of the window's longest-first order.
            var window = grouped.AsSpan(w * 4, 4).ToArray();
            Assert.Equal(order.AsSpan(w * 4, 4).ToArray().Order(), window.Order());
            var sorted = window.OrderByDescending(i => texts.Ids(i).Length).ThenBy(i => i).ToArray();
            var batches = new[] { sorted[..2], sorted[2..] };
            Assert.Contains(batches, b => b.SequenceEqual(window[..2]));
            Assert.Contains(batches, b => b.SequenceEqual(window[2..]));
        }

        var again = order.ToArray();
        texts.GroupByLength(again, 2, 2, new Rng(4));
        Assert.Equal(grouped, again); // deterministic with the seed
        var off = order.ToArray();
        texts.GroupByLength(off, 2, 1, new Rng(4));
        Assert.Equal(order, off); // a window of one batch changes nothing

        var padded = Enumerable.Range(0, 4).Sum(b => texts.Batch(grouped.AsSpan(b * 2, 2), out _).SequenceLength);
        var plain = Enumerable.Range(0, 4).Sum(b => texts.Batch(order.AsSpan(b * 2, 2), out _).SequenceLength);
        Assert.True(padded <= plain, $"bucketed batches pad to {padded} positions in all, unbucketed {plain}");
        var longest = texts.LongestFirst();
        Assert.Equal(Enumerable.Range(0, 8).OrderByDescending(i => texts.Ids(i).Length).ThenBy(i => i), longest);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { LengthWindow = 0 });
    }

    [Fact]
    public void OptionsValidateAndPresetsAreDocumentedValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { TopK = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { MaxLength = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { WarmupFraction = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { LearningRate = -1 });
        var adamw = new TextFineTuneOptions();
        Assert.Equal((2e-5, 2e-4, "adamw/full"), (adamw.EffectiveLearningRate, adamw.EffectiveHeadLearningRate, adamw.Label));
        var head = new TextFineTuneOptions { Mode = FineTuneMode.Head, Optimizer = FineTuneOptimizer.Sgd };
        Assert.Equal((2e-3, 5e-2, "sgd/head"), (head.EffectiveLearningRate, head.EffectiveHeadLearningRate, head.Label));
        Assert.Equal("adam/top-3", new TextFineTuneOptions { Mode = FineTuneMode.TopK, TopK = 3, Optimizer = FineTuneOptimizer.Adam }.Label);
    }

    [Theory]
    [InlineData(FineTuneMode.Full, FineTuneOptimizer.AdamW)]
    [InlineData(FineTuneMode.TopK, FineTuneOptimizer.Sgd)]
    [InlineData(FineTuneMode.Head, FineTuneOptimizer.Adam)]
    public void RunsAreDeterministicPerSeed(FineTuneMode mode, FineTuneOptimizer optimizer)
    {
        var options = new TextFineTuneOptions { Mode = mode, TopK = 1, Optimizer = optimizer, BatchSize = 3, Epochs = 2, MaxLength = 12, Seed = 5 };
        FineTuneResult Run() => TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        var a = Run();
        var b = Run();
        Assert.Equal(a.Epochs.Select(e => (e.TrainLoss, e.Accuracy, e.F1)), b.Epochs.Select(e => (e.TrainLoss, e.Accuracy, e.F1)));
        Assert.Equal(6, a.Steps); // 2 epochs × ⌈8 / 3⌉
        Assert.All(a.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    [Theory]
    [InlineData(FineTuneMode.Full, "fine-tuning")]
    [InlineData(FineTuneMode.Head, "head training")]
    public void ANonFiniteLossStopsTheRunNamingItsStep(FineTuneMode mode, string stage)
    {
        // An absurd SGD rate overflows the weights within a step or two; the run must stop at the first non-finite loss
        // (before training on and reporting an accuracy from broken weights), not finish.
        var options = new TextFineTuneOptions
        {
            Mode = mode, Optimizer = FineTuneOptimizer.Sgd, LearningRate = 1e38, HeadLearningRate = 1e38, WarmupFraction = 0,
            BatchSize = 3, Epochs = 3, MaxLength = 12, Seed = 5,
        };
        var e = Assert.Throws<FineTuneDivergedException>(() =>
            TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options));
        Assert.Equal(stage, e.Stage);
        Assert.False(float.IsFinite(e.Loss));
        Assert.InRange(e.Epoch, 1, options.Epochs);
        Assert.InRange(e.Step, e.Epoch == 1 ? 2 : 1, 3); // 3 steps per epoch; the very first loss is the initial weights', finite
        Assert.Contains($"at epoch {e.Epoch}, step {e.Step}", e.Message, StringComparison.Ordinal);
        Assert.Contains("--lr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxGradNormBoundsEveryUpdateAndIsLeftOutOfTheProbe()
    {
        // Plain SGD at lr 1 without a schedule: each update is minus the (clipped) gradient, so with clipping the encoder's
        // parameters move by at most maxNorm per step in L2 norm; without it they move further (the bound can fail).
        const double maxNorm = 1e-3;
        double Moved(double? clip)
        {
            var encoder = new BertModel(Tiny, new Rng(1));
            var before = encoder.Parameters().Select(p => p.Span.ToArray()).ToList();
            var options = new TextFineTuneOptions { BatchSize = 3, MaxLength = 12, Seed = 5, MaxGradNorm = clip };
            var result = TextClassifierFineTuner.Run(encoder, Tokenized(), Tokenized(), options,
                optimizerFactory: (plans, _) => (new Sgd(ParameterGroups.ParametersOf(plans), new SgdOptions { LearningRate = 1 }), null));
            Assert.Equal(3, result.Steps);
            double sum = 0;
            foreach (var (p, old) in encoder.Parameters().Zip(before))
            {
                var now = p.Span;
                for (var i = 0; i < old.Length; i++)
                {
                    sum += (double)(now[i] - old[i]) * (now[i] - old[i]);
                }
            }

            return Math.Sqrt(sum);
        }

        Assert.InRange(Moved(maxNorm), 1e-6, 3 * maxNorm * (1 + 1e-4));
        Assert.True(Moved(null) > 3 * maxNorm);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { MaxGradNorm = 0 });
        Assert.Null(new TextFineTuneOptions { MaxGradNorm = 1, HeadInit = HeadInit.Probe }.ProbeOptions().MaxGradNorm);
    }

    [Fact]
    public void ModesTrainTheRightParameters()
    {
        long Trainable(FineTuneMode mode) => TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(),
            new TextFineTuneOptions { Mode = mode, TopK = 1, BatchSize = 8, MaxLength = 12 }).TrainableParameters;
        var model = new BertModel(Tiny, new Rng(1));
        long head = (16 * 2) + 2;
        long layer = model.Encoder[1].ParameterCount();
        long pooler = model.Pooler.ParameterCount();
        Assert.Equal(head, Trainable(FineTuneMode.Head));
        Assert.Equal(layer + pooler + head, Trainable(FineTuneMode.TopK));
        Assert.Equal(model.ParameterCount() + head, Trainable(FineTuneMode.Full));
    }

    [Fact]
    public void HeadModeWithAGivenCacheEqualsComputingIt()
    {
        var options = new TextFineTuneOptions { Mode = FineTuneMode.Head, BatchSize = 3, MaxLength = 12, Seed = 2 };
        var computed = TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        var encoder = new BertModel(Tiny, new Rng(1));
        var cache = PooledEmbeddings.Compute(encoder, Tokenized(), Tokenized(), options.EvalBatchSize);
        var cached = TextClassifierFineTuner.Run(encoder, Tokenized(), Tokenized(), options, cache: cache);
        Assert.Equal(computed.Final.TrainLoss, cached.Final.TrainLoss);
        Assert.Equal(computed.Final.Accuracy, cached.Final.Accuracy);

        // The cache is the eval-mode masked mean of the encoder's last hidden state.
        encoder.Eval();
        var texts = Tokenized();
        using (Descent.Autodiff.Tape.NoGrad())
        {
            var single = encoder.EncodeSentences(texts.Batch([2], out _)).ToArray();
            var row = cache.Train.Select(HeadFeatures.SentenceEmbedding).ToArray().AsSpan(2 * 16, 16).ToArray();
            for (var i = 0; i < 16; i++)
            {
                Assert.Equal(single[i], row[i], 1e-5f); // batched with padding (masked) vs alone
            }
        }
    }
}
