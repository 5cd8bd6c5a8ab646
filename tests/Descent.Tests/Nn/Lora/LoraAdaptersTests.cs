using Descent.Nn;
using Descent.Nn.Lora;

namespace Descent.Tests.Nn.Lora;

public class LoraAdaptersTests
{
    private static readonly LoraOptions QueryValue = new() { Rank = 2, Alpha = 4, TargetModules = ["query", "value"], Seed = 3 };

    internal static Tensor Input(int rows = 5, int features = 6) => Tensor.Uniform(new Rng(11), -1, 1, rows, features);

    /// <summary>Gives every B matrix non-zero values so that the adapters change the output.</summary>
    internal static void PerturbB(Module model, ulong seed = 5)
    {
        var rng = new Rng(seed);
        foreach (var (_, adapter) in LoraAdapters.Find(model))
        {
            adapter.B.Weight.CopyFrom(Tensor.Uniform(rng, -0.5f, 0.5f, [.. adapter.B.Weight.Shape]));
        }
    }

    [Fact]
    public void ApplyWrapsTheNamedLinearLayersAndFreezesTheRest()
    {
        var model = NamedChain.Small(1);
        var wrapped = LoraAdapters.Apply(model, QueryValue with { ModulesToSave = ["classifier"] });
        Assert.Equal(["blocks.0.query", "blocks.0.value", "blocks.1.query", "blocks.1.value"], wrapped);
        var trainable = FineTuning.TrainableNames(model);
        Assert.Equal(
            ["blocks.0.query.lora_A.weight", "blocks.0.query.lora_B.weight", "blocks.0.value.lora_A.weight", "blocks.0.value.lora_B.weight",
             "blocks.1.query.lora_A.weight", "blocks.1.query.lora_B.weight", "blocks.1.value.lora_A.weight", "blocks.1.value.lora_B.weight",
             "classifier.weight", "classifier.bias"],
            trainable);
        var adapter = LoraAdapters.Find(model)[0].Adapter;
        Assert.Equal([2, 6], adapter.A.Weight.Shape.ToArray());
        Assert.Equal([6, 2], adapter.B.Weight.Shape.ToArray());
        Assert.Equal(2.0, adapter.Scaling);
        Assert.All(adapter.B.Weight.ToArray(), v => Assert.Equal(0f, v));
        var bound = 1 / MathF.Sqrt(6);
        Assert.All(adapter.A.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void InitializationIsSeeded()
    {
        float[] A(ulong seed)
        {
            var model = NamedChain.Small(1);
            LoraAdapters.Apply(model, QueryValue with { Seed = seed });
            return LoraAdapters.Find(model)[3].Adapter.A.Weight.ToArray();
        }

        Assert.Equal(A(3), A(3));
        Assert.NotEqual(A(3), A(4));
    }

    [Fact]
    public void AFreshAdapterChangesNothing()
    {
        var model = NamedChain.Small(1);
        var before = model.Forward(Input()).ToArray();
        LoraAdapters.Apply(model, QueryValue);
        Assert.Equal(before, model.Forward(Input()).ToArray());
    }

    [Fact]
    public void BiasOptionsChooseWhichBiasesTrain()
    {
        var all = NamedChain.Small(1);
        LoraAdapters.Apply(all, QueryValue with { Bias = LoraBias.All });
        Assert.Contains("classifier.bias", FineTuning.TrainableNames(all));
        Assert.Contains("blocks.0.norm.bias", FineTuning.TrainableNames(all));
        var only = NamedChain.Small(1);
        LoraAdapters.Apply(only, QueryValue with { Bias = LoraBias.LoraOnly, TargetModules = ["query"] });
        Assert.Equal(["blocks.0.query.bias", "blocks.1.query.bias"], FineTuning.TrainableNames(only).Where(n => n.EndsWith(".bias", StringComparison.Ordinal)));
    }

    [Fact]
    public void PatternAndAllLinearFollowPeft()
    {
        var model = NamedChain.Small(1);
        Assert.Equal(["blocks.1.query"], LoraAdapters.Apply(model, new LoraOptions { TargetPattern = @"blocks\.1\.q.*" }));
        var error = Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(NamedChain.Small(1), new LoraOptions { TargetPattern = "query" }));
        Assert.Contains("'query' matches no module", error.Message, StringComparison.Ordinal);
        Assert.Equal(["blocks.0.query", "blocks.0.value", "blocks.1.query", "blocks.1.value"],
            LoraAdapters.Apply(NamedChain.Small(1), new LoraOptions { TargetModules = [LoraOptions.AllLinear] }));
    }

    [Fact]
    public void MergedModelComputesTheSameAndUnmergeRestoresTheBaseWeights()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, QueryValue);
        PerturbB(model);
        var baseWeights = LoraAdapters.Find(model).Select(a => a.Adapter.Layer.Weight.ToArray()).ToList();
        var deltas = LoraAdapters.Find(model).Select(a => a.Adapter.DeltaWeight().ToArray()).ToList();
        var adapted = model.Forward(Input()).ToArray();
        Assert.NotEqual(model.Forward(Input()).ToArray(), Unadapted(model));

        LoraAdapters.Merge(model);
        Assert.All(LoraAdapters.Find(model), a => Assert.True(a.Adapter.IsMerged));
        var merged = model.Forward(Input()).ToArray();
        for (var i = 0; i < adapted.Length; i++)
        {
            Assert.True(Math.Abs(merged[i] - adapted[i]) <= 1e-5 * (1 + Math.Abs(adapted[i])), $"output[{i}]: merged {merged[i]}, adapted {adapted[i]}");
        }

        LoraAdapters.Unmerge(model);
        var adapters = LoraAdapters.Find(model);
        for (var k = 0; k < adapters.Count; k++)
        {
            var w = adapters[k].Adapter.Layer.Weight.ToArray();
            for (var i = 0; i < w.Length; i++)
            {
                // W + d − d in float32: at most one rounding of the sum, i.e. half an ulp of |W| + |d|, each way.
                var bound = (Math.Abs(baseWeights[k][i]) + Math.Abs(deltas[k][i])) * Math.Pow(2, -23);
                Assert.True(Math.Abs(w[i] - baseWeights[k][i]) <= bound, $"{adapters[k].Name}.weight[{i}]: {w[i]:R} vs base {baseWeights[k][i]:R}");
            }
        }
    }

    [Fact]
    public void MergeAndUnloadLeavesTheBaseArchitecture()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, QueryValue);
        PerturbB(model);
        var adapted = model.Forward(Input()).ToArray();
        LoraAdapters.MergeAndUnload(model);
        Assert.Empty(LoraAdapters.Find(model));
        Assert.Equal(NamedChain.Small(1).StateDict().Keys.Order(), model.StateDict().Keys.Order());
        var merged = model.Forward(Input()).ToArray();
        Assert.All(Enumerable.Range(0, adapted.Length), i => Assert.True(Math.Abs(merged[i] - adapted[i]) <= 1e-5 * (1 + Math.Abs(adapted[i]))));
    }

    [Theory]
    [InlineData(0, 8, 0, "Rank")]
    [InlineData(-1, 8, 0, "Rank")]
    [InlineData(4, 0, 0, "Alpha")]
    [InlineData(4, double.NaN, 0, "Alpha")]
    [InlineData(4, 8, 1, "Dropout")]
    [InlineData(4, 8, -0.1, "Dropout")]
    public void InvalidOptionsNameTheValue(int rank, double alpha, double dropout, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LoraOptions { Rank = rank, Alpha = alpha, Dropout = dropout });
        Assert.Equal(name, e.ParamName);
    }

    [Theory]
    [InlineData("nope", "target_modules entry 'nope' matches no module")]
    [InlineData("norm", "is a LayerNorm; LoRA adapts Linear layers only")]
    public void BadTargetsFailBeforeAnythingChanges(string target, string message)
    {
        var model = NamedChain.Small(1);
        var e = Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(model, QueryValue with { TargetModules = ["query", target] }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Empty(LoraAdapters.Find(model));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void OptionsNeedExactlyOneKindOfTarget()
    {
        Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(NamedChain.Small(1), new LoraOptions()));
        Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(NamedChain.Small(1), QueryValue with { TargetPattern = "q.*" }));
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, QueryValue);
        Assert.Contains("already has a LoRA adapter", Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(model, QueryValue)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DropoutAppliesToTheAdapterInputInTrainingOnly()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, QueryValue with { Dropout = 0.5 });
        PerturbB(model);
        Assert.Contains("blocks.0.query.lora_dropout", model.NamedModules().Select(m => m.Name));
        model.Eval();
        var eval = model.Forward(Input()).ToArray();
        model.Train();
        Assert.NotEqual(eval, model.Forward(Input()).ToArray());
    }

    private static float[] Unadapted(NamedChain model)
    {
        var plain = NamedChain.Small(1);
        plain.LoadStateDict(model.StateDict(), strict: false);
        return plain.Forward(Input()).ToArray();
    }
}
