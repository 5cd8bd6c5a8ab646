using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Text.Transformers;

namespace Descent.Tests.Text.Classification;

/// <summary><see cref="FineTuneMode.Lora"/> on the tiny BERT: adapters on every linear layer of the encoder and the head
/// train, the pretrained weights do not move.</summary>
public sealed class LoraFineTuneTests
{
    private static TokenizedTexts Tokenized() =>
        TokenizedTexts.Create(MiniLm.CreateTokenizer(12), TextClassifierFineTunerTests.Texts, TextClassifierFineTunerTests.Labels);

    [Fact]
    public void LoraModeTrainsTheAdaptersAndTheHeadOnly()
    {
        var encoder = new BertModel(TextClassifierFineTunerTests.Tiny, new Rng(1));
        var pretrained = encoder.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray());
        var linears = encoder.NamedModules().Where(m => m.Module is Linear && TextFineTuneOptions.DefaultLora.TargetModules.Any(t => m.Name.EndsWith("." + t, StringComparison.Ordinal)))
            .Select(m => (Linear)m.Module).ToList();
        var options = new TextFineTuneOptions { Mode = FineTuneMode.Lora, BatchSize = 4, Epochs = 2, MaxLength = 12, Seed = 5, LoraPlusRatio = 16 };
        var result = TextClassifierFineTuner.Run(encoder, Tokenized(), Tokenized(), options);

        long head = (TextClassifierFineTunerTests.Tiny.HiddenSize * 2) + 2;
        var adapters = linears.Sum(l => (long)options.Lora.Rank * (l.InFeatures + l.OutFeatures));
        Assert.Equal(adapters + head, result.TrainableParameters);
        // AdamW keeps exp_avg and exp_avg_sq (float32) for every parameter that got a gradient: all but the pooler's adapter
        // (the head reads the mean-pooled sentence embedding, not the pooler).
        var unused = LoraAdapters.Find(encoder).Where(a => a.Name.StartsWith("pooler.", StringComparison.Ordinal)).Sum(a => a.Adapter.ParameterCount);
        Assert.Equal(8 * (result.TrainableParameters - unused), result.OptimizerStateBytes);
        Assert.Equal(linears.Count, LoraAdapters.Find(encoder).Count);
        foreach (var (name, values) in pretrained)
        {
            Assert.Equal(values, encoder.StateDict()[name].ToArray());
        }

        Assert.Contains(LoraAdapters.Find(encoder), a => a.Adapter.B.Weight.ToArray().Any(v => v != 0));
        Assert.All(result.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    [Fact]
    public void DenseTakesEveryLinearOfTheBlocksAndAttentionOutputDenseTheFourthProjectionOnly()
    {
        // PEFT's suffix matching, as the bert bench's two LoRA rows use it.
        var config = TextClassifierFineTunerTests.Tiny;
        var all = LoraAdapters.Apply(new BertModel(config, new Rng(1)), TextFineTuneOptions.DefaultLora);
        var four = LoraAdapters.Apply(new BertModel(config, new Rng(1)),
            TextFineTuneOptions.DefaultLora with { TargetModules = ["query", "key", "value", "attention.output.dense"] });
        Assert.Equal((6 * config.NumLayers) + 1, all.Count); // q, k, v, attention output, intermediate, output; the pooler
        Assert.Equal(4 * config.NumLayers, four.Count);
        Assert.All(four, name => Assert.Matches(@"\.attention\.(self\.(query|key|value)|output\.dense)$", name));
    }

    [Fact]
    public void LoraPresetsAndLabel()
    {
        var adamw = new TextFineTuneOptions { Mode = FineTuneMode.Lora };
        Assert.Equal((5e-4, 1e-3, "adamw/lora-r8"), (adamw.EffectiveLearningRate, adamw.EffectiveHeadLearningRate, adamw.Label));
        var sgd = new TextFineTuneOptions { Mode = FineTuneMode.Lora, Optimizer = FineTuneOptimizer.Sgd, Lora = TextFineTuneOptions.DefaultLora with { Rank = 4 } };
        Assert.Equal((5e-2, 5e-2, "sgd/lora-r4"), (sgd.EffectiveLearningRate, sgd.EffectiveHeadLearningRate, sgd.Label));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextFineTuneOptions { LoraPlusRatio = 0 });
    }

    [Theory]
    [InlineData(FineTuneOptimizer.AdamW)]
    [InlineData(FineTuneOptimizer.Adam)]
    [InlineData(FineTuneOptimizer.Sgd)]
    public void LoraFromAProbeTrainsTheHeadAtFullFineTuningsEncoderRate(FineTuneOptimizer optimizer)
    {
        var lora = new TextFineTuneOptions { Mode = FineTuneMode.Lora, HeadInit = HeadInit.Probe, Optimizer = optimizer };
        var full = new TextFineTuneOptions { Mode = FineTuneMode.Full, HeadInit = HeadInit.Probe, Optimizer = optimizer };
        Assert.Equal(full.EffectiveHeadLearningRate, lora.EffectiveHeadLearningRate); // not the adapters' rate
        Assert.NotEqual(lora.EffectiveLearningRate, lora.EffectiveHeadLearningRate);
        Assert.Equal(full.EffectiveHeadLearningRate, (lora with { LearningRate = 1e-3 }).EffectiveHeadLearningRate); // --lr sets the adapters' rate only
        Assert.Equal(7e-4, (lora with { HeadLearningRate = 7e-4 }).EffectiveHeadLearningRate);
    }
}
