using Descent.Autodiff;
using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

/// <summary>Head-only features: pooling of every hidden state, their selection, standardization and the options.</summary>
public sealed class HiddenStatePoolsTests
{
    private static readonly BertConfig Tiny = new() { HiddenSize = 8, NumLayers = 2, NumHeads = 2, IntermediateSize = 16, MaxPositions = 32 };

    private static readonly string[] Texts = ["Win a FREE prize now!!! Click here", "Lunch tomorrow?", "Cheap meds, no prescription needed", "ok"];

    private static TokenizedTexts Tokenized() => TokenizedTexts.Create(MiniLm.CreateTokenizer(10), Texts, [1, 0, 1, 0]);

    [Fact]
    public void PoolingGivesMeanMaxAndFirstRow()
    {
        // Three tokens, hidden 2: rows (1, -4), (3, 5), (-2, 2), then a padding row (9, 9) the mask leaves out.
        var rows = Tensor.FromArray([1, -4, 3, 5, -2, 2, 9, 9], 1, 4, 2);
        var pooled = Pooling.MaskedPools([rows], Tensor.FromArray([1, 1, 1, 0], 1, 4), mean: true, max: true, first: true);
        Assert.Equal([2f / 3f, 1f, 3f, 5f, 1f, -4f], pooled.ToArray());
        Assert.Throws<ShapeMismatchException>(() => Pooling.MaskedPools([rows], Tensor.FromArray([1, 1, 1], 1, 3)));
    }

    [Fact]
    public void HiddenStatesAreTheEmbeddingOutputThenEveryLayer()
    {
        var model = new BertModel(Tiny, new Rng(3));
        model.Eval();
        var input = Tokenized().Batch([0, 1], out _);
        using (Tape.NoGrad())
        {
            var states = model.HiddenStates(input);
            Assert.Equal(3, states.Count);
            Assert.Equal(model.Embeddings.Forward(input).ToArray(), states[0].ToArray());
            Assert.Equal(model.Encoder[0].Forward(states[0], BertSelfAttention.MaskBias(input.MaskTensor())).ToArray(), states[1].ToArray());
            Assert.Equal(model.Forward(input).ToArray(), states[2].ToArray());
        }
    }

    [Fact]
    public void CacheEqualsPoolingEachTextAloneAndRestoresTrainingMode()
    {
        var model = new BertModel(Tiny, new Rng(3));
        var texts = Tokenized();
        var pools = HiddenStatePools.Compute(model, texts, batchSize: 3); // length-sorted batches with padding
        Assert.True(model.IsTraining);
        Assert.Equal([4, 3, 3, 8], pools.Values.Shape.ToArray());
        model.Eval();
        using (Tape.NoGrad())
        {
            for (var t = 0; t < texts.Count; t++)
            {
                var states = model.HiddenStates(texts.Batch([t], out _)); // alone: no padding
                var length = texts.Ids(t).Length;
                for (var l = 0; l < 3; l++)
                {
                    var h = states[l].ToArray();
                    for (var j = 0; j < 8; j++)
                    {
                        var column = Enumerable.Range(0, length).Select(s => h[(s * 8) + j]).ToArray();
                        Assert.Equal(column.Average(), Value(pools, t, l, 0, j), 1e-5f);
                        Assert.Equal(column.Max(), Value(pools, t, l, 1, j), 1e-5f);
                        Assert.Equal(column[0], Value(pools, t, l, 2, j), 1e-5f);
                    }
                }

                // The last layer's mean is the sentence embedding.
                var sentence = model.EncodeSentences(texts.Batch([t], out _)).ToArray();
                var selected = pools.Select(HeadFeatures.SentenceEmbedding).ToArray().AsSpan(t * 8, 8).ToArray();
                for (var j = 0; j < 8; j++)
                {
                    Assert.Equal(sentence[j], selected[j], 1e-5f);
                }
            }
        }
    }

    [Fact]
    public void SelectConcatenatesLayersThenPoolings()
    {
        var pools = HiddenStatePools.Compute(new BertModel(Tiny, new Rng(3)), Tokenized(), 4);
        var all = pools.Select(HeadFeatures.AllLayersMeanMax).ToArray();
        Assert.Equal(4 * 3 * 2 * 8, all.Length);
        for (var t = 0; t < 4; t++)
        {
            for (var l = 0; l < 3; l++)
            {
                for (var slot = 0; slot < 2; slot++)
                {
                    for (var j = 0; j < 8; j++)
                    {
                        Assert.Equal(Value(pools, t, l, slot, j), all[(t * 48) + (((l * 2) + slot) * 8) + j]);
                    }
                }
            }
        }

        var cls = pools.Select(new HeadFeatures { Pooling = SentencePooling.Cls | SentencePooling.Mean }).ToArray();
        Assert.Equal(Value(pools, 1, 2, 0, 5), cls[16 + 5]); // mean first, then [CLS], of the last layer
        Assert.Equal(Value(pools, 1, 2, 2, 5), cls[16 + 8 + 5]);
    }

    [Fact]
    public void HeadFeaturesValidateAndDescribeThemselves()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadFeatures { Pooling = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadFeatures { Pooling = (SentencePooling)8 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadFeatures { Layers = (FeatureLayers)2 });
        Assert.Equal(384, HeadFeatures.SentenceEmbedding.Dimension(384, 6));
        Assert.Equal(5376, HeadFeatures.AllLayersMeanMax.Dimension(384, 6));
        Assert.Equal("last:mean", HeadFeatures.SentenceEmbedding.Label);
        Assert.Equal("all:mean+max:std", HeadFeatures.AllLayersMeanMax.Label);
        Assert.Equal(HeadFeatures.SentenceEmbedding, new HeadFeatures());
    }

    [Fact]
    public void StandardizerUsesTrainingMeanAndPopulationDeviation()
    {
        // Columns: (1, 3) → mean 2, variance 1; (5, 5) → constant; (0, 4) → mean 2, variance 4.
        var train = Tensor.FromArray([1f, 5f, 0f, 3f, 5f, 4f], 2, 3);
        var standardizer = FeatureStandardizer.Fit(train);
        Assert.Equal([2f, 5f, 2f], standardizer.Mean);
        Assert.Equal((float)Math.Sqrt(1 + 1e-6), standardizer.Scale[0]);
        Assert.Equal((float)Math.Sqrt(1e-6), standardizer.Scale[1]);
        var y = standardizer.Transform(Tensor.FromArray([4f, 5f, 2f], 1, 3)).ToArray();
        Assert.Equal(2 / Math.Sqrt(1 + 1e-6), y[0], 1e-6);
        Assert.Equal(0f, y[1]);
        Assert.Equal(0f, y[2]);
        Assert.Throws<ArgumentException>(() => standardizer.Transform(Tensor.FromArray([1f, 2f], 1, 2)));
    }

    [Fact]
    public void HeadOptionsPresetsAndRules()
    {
        var mlp = new TextFineTuneOptions { Mode = FineTuneMode.Head, Head = ClassifierHead.Mlp, Features = HeadFeatures.AllLayersMeanMax };
        Assert.Equal((3e-4, 0.3, "adamw/head[mlp-256 all:mean+max:std]"), (mlp.EffectiveHeadLearningRate, mlp.EffectiveHeadDropout, mlp.Label));
        Assert.Equal(3e-3, (mlp with { Optimizer = FineTuneOptimizer.Sgd }).EffectiveHeadLearningRate);
        Assert.Equal((1e-3, 0.1, "adam/head"), new TextFineTuneOptions { Mode = FineTuneMode.Head, Optimizer = FineTuneOptimizer.Adam } is var plain
            ? (plain.EffectiveHeadLearningRate, plain.EffectiveHeadDropout, plain.Label) : default);
        (mlp with { Mode = FineTuneMode.Full }).Validate(); // full and top-k train through any features and head (LayerPooledClassifier)
        Assert.True(mlp.UsesPooledCache); // head mode
        Assert.True((mlp with { Mode = FineTuneMode.Full }).UsesPooledCache); // standardization fitted on the pretrained features
        Assert.False((mlp with { Mode = FineTuneMode.Full, Features = HeadFeatures.AllLayersMeanMax with { Standardize = false } }).UsesPooledCache);
        Assert.True(new TextFineTuneOptions { HeadInit = HeadInit.Probe }.UsesPooledCache); // the probe stage
        Assert.False(new TextFineTuneOptions().UsesPooledCache); // sentence embedding, linear head, random start
        Assert.Throws<ArgumentException>(() => (mlp with { HeadInit = HeadInit.Probe }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { HeadHiddenSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { HeadDropout = 1 });
        Assert.Throws<ArgumentException>(() => TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(),
            mlp with { HeadInit = HeadInit.Probe }));
    }

    [Fact]
    public void HeadsHaveTheirShapeAndTheLinearOneMatchesBertClassifier()
    {
        var options = new TextFineTuneOptions { Mode = FineTuneMode.Head, Seed = 9 };
        var linear = TextClassifierFineTuner.CreateHead(8, options);
        var classifier = new BertClassifier(new BertModel(Tiny, new Rng(1)), 2, new Rng(9UL ^ 0x5EED_1EADUL));
        Assert.Equal(classifier.Classifier.Weight.ToArray(), ((Descent.Nn.Linear)linear[1]).Weight.ToArray());
        var mlp = TextClassifierFineTuner.CreateHead(48, options with { Head = ClassifierHead.Mlp, HeadHiddenSize = 5 });
        Assert.Equal((48 * 5) + 5 + (5 * 2) + 2, mlp.ParameterCount());
        Assert.IsType<Descent.Nn.Gelu>(mlp[2]);
        Assert.Equal(0.3, ((Descent.Nn.Dropout)mlp[3]).P);
    }

    [Fact]
    public void MlpHeadOnAllLayersTrainsDeterministicallyOnTheCache()
    {
        var options = new TextFineTuneOptions
        {
            Mode = FineTuneMode.Head, Head = ClassifierHead.Mlp, HeadHiddenSize = 6, Features = HeadFeatures.AllLayersMeanMax,
            BatchSize = 3, Epochs = 3, MaxLength = 10, Seed = 4,
        };
        var computed = TextClassifierFineTuner.Run(new BertModel(Tiny, new Rng(1)), Tokenized(), Tokenized(), options);
        var encoder = new BertModel(Tiny, new Rng(1));
        var cache = PooledEmbeddings.Compute(encoder, Tokenized(), Tokenized(), options.EvalBatchSize);
        var cached = TextClassifierFineTuner.Run(encoder, Tokenized(), Tokenized(), options, cache: cache);
        Assert.Equal(computed.Epochs.Select(e => (e.TrainLoss, e.Accuracy)), cached.Epochs.Select(e => (e.TrainLoss, e.Accuracy)));
        Assert.Equal((48 * 6) + 6 + (6 * 2) + 2, computed.TrainableParameters);
        Assert.Equal(6, computed.Steps); // 3 epochs × ⌈4 / 3⌉
        Assert.All(computed.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    private static float Value(HiddenStatePools pools, int text, int layer, int slot, int j) =>
        pools.Values.Span[(((((text * pools.States) + layer) * 3) + slot) * pools.HiddenSize) + j];
}
