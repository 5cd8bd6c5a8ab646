using Descent.Autodiff;
using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

/// <summary>
/// Full and top-k fine-tuning through head-only's features: the differentiable pooling equals <see cref="HiddenStatePools"/>,
/// and LP-FT (<see cref="HeadInit.Probe"/>) starts from exactly the head head mode trains.
/// </summary>
public sealed class LayerPooledClassifierTests
{
    private static readonly BertConfig Tiny = new() { HiddenSize = 8, NumLayers = 2, NumHeads = 2, IntermediateSize = 16, MaxPositions = 32 };

    private static readonly string[] Texts = ["Win a FREE prize now!!! Click here", "Lunch tomorrow?", "Cheap meds, no prescription needed", "ok",
        "Meeting moved to 3pm", "You have WON $1000000"];

    private static readonly int[] Labels = [1, 0, 1, 0, 0, 1];

    private static TokenizedTexts Tokenized() => TokenizedTexts.Create(MiniLm.CreateTokenizer(10), Texts, Labels);

    private static TextFineTuneOptions Options => new()
    {
        Head = ClassifierHead.Mlp, HeadHiddenSize = 6, Features = HeadFeatures.AllLayersMeanMax, BatchSize = 4, MaxLength = 10, Seed = 3,
        HeadInit = HeadInit.Probe, ProbeEpochs = 4, ProbeBatchSize = 3,
    };

    [Fact]
    public void PoolsEqualHiddenStatePoolsOnTheSameHiddenStates()
    {
        var encoder = new BertModel(Tiny, new Rng(1));
        encoder.Eval();
        var texts = Tokenized();
        var all = Enumerable.Range(0, texts.Count).ToArray();
        var input = texts.Batch(all, out _);
        var hidden = encoder.HiddenStates(input);
        var features = HeadFeatures.AllLayersMeanMax with { Standardize = false };
        var model = new LayerPooledClassifier(encoder, features, TextClassifierFineTuner.CreateHead(48, Options));
        var pooled = model.Pool(input).ToArray();
        for (var i = 0; i < texts.Count; i++)
        {
            // Each text's real rows alone, cut from the same padded batch: padding must change nothing, bit for bit.
            var length = texts.Ids(i).Length;
            var rows = hidden.Select(h => Tensor.FromArray(h.Span.Slice(i * input.SequenceLength * 8, length * 8).ToArray(), 1, length, 8)).ToList();
            var expected = Pooling.MaskedPools(rows, Tensor.Ones(1, length), mean: true, max: true).ToArray();
            Assert.Equal(expected, pooled.AsSpan(i * 48, 48).ToArray()); // mean and max of the 3 states
        }

        // The cache batches texts by length (other padding), so equal up to float rounding.
        var cached = HiddenStatePools.Compute(encoder, texts, 4).Select(features).ToArray();
        Assert.Equal(cached.Length, pooled.Length);
        Assert.All(cached.Zip(pooled), p => Assert.Equal(p.First, p.Second, 1e-5f));
    }

    [Fact]
    public void ProbeStartIsTheHeadModeHead()
    {
        var options = Options;
        var (model, probe, _) = TextClassifierFineTuner.CreateLayerPooledClassifier(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        var headOnly = TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options.ProbeOptions());
        Assert.NotNull(probe);
        Assert.Equal(headOnly.Epochs.Select(e => (e.TrainLoss, e.Accuracy)), probe.Epochs.Select(e => (e.TrainLoss, e.Accuracy)));
        Assert.Equal(4 * 2, probe.Steps);

        // The fine-tuning model's logits (eval mode) are the probe head's on the standardized cached features.
        var encoder = new BertModel(Tiny, new Rng(1));
        var cache = PooledEmbeddings.Compute(encoder, Tokenized(), Tokenized(), 32);
        var standardizer = FeatureStandardizer.Fit(cache.Train.Select(options.Features));
        model.Eval();
        float[] expected, actual;
        using (Tape.NoGrad())
        {
            expected = model.Head.Forward(standardizer.Transform(cache.Test.Select(options.Features))).ToArray();
            actual = model.Forward(Tokenized().Batch(Enumerable.Range(0, Texts.Length).ToArray(), out _)).ToArray();
        }

        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 2e-4f));
        Assert.Equal(probe.Final.Accuracy, BinaryClassificationMetrics.FromPredictions(Labels, TextClassifierFineTuner.Predict(model, Tokenized(), 32)).Accuracy);
    }

    [Fact]
    public void FullFineTuningFromTheProbeTrainsEverythingAtTheEncoderRate()
    {
        var options = Options with { Epochs = 2 };
        var run = TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        var again = TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        Assert.Equal(run.Epochs.Select(e => e.TrainLoss), again.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(new BertModel(Tiny, new Rng(1)).ParameterCount() + (48 * 6) + 6 + (6 * 2) + 2, run.TrainableParameters);
        Assert.Equal((2e-5, 2e-5), (run.LearningRate, run.HeadLearningRate));
        Assert.Equal(4, run.Steps); // 2 epochs × ⌈6 / 4⌉
        Assert.NotNull(run.Probe);
        Assert.Equal("adamw/full[mlp-6 all:mean+max:std probe]", options.Label);
        Assert.False(options.EffectiveEncoderDropout);
        Assert.True(new TextFineTuneOptions().EffectiveEncoderDropout);
        Assert.Throws<ArgumentException>(() => (options with { Mode = FineTuneMode.Head }).Validate());
        Assert.Equal(FineTuneMode.Head, options.ProbeOptions().Mode);
        Assert.Equal((4, 3, HeadInit.Random, 3e-4), (options.ProbeOptions().Epochs, options.ProbeOptions().BatchSize, options.ProbeOptions().HeadInit,
            options.ProbeOptions().EffectiveHeadLearningRate));
    }
}
