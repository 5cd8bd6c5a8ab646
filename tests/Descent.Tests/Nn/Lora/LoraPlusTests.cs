using Descent.Nn.Lora;
using Descent.Optimizers;

namespace Descent.Tests.Nn.Lora;

public class LoraPlusTests
{
    [Fact]
    public void BLearnsRatioTimesFasterAndRankOneParametersDoNotDecay()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, new LoraOptions { Rank = 2, TargetModules = ["query"], ModulesToSave = ["classifier"] });
        var plans = ParameterGroups.LoraPlus(model.NamedParameters(), ratio: 8);
        Assert.Equal(["lora_a", "lora_b", "lora_b.no_decay"], plans.Select(p => p.Name));
        Assert.Equal(["blocks.0.query.lora_A.weight", "blocks.1.query.lora_A.weight", "classifier.weight"], plans[0].Parameters.Select(p => p.Name));
        Assert.Equal(["blocks.0.query.lora_B.weight", "blocks.1.query.lora_B.weight"], plans[1].Parameters.Select(p => p.Name));
        Assert.Equal(["classifier.bias"], plans[2].Parameters.Select(p => p.Name));
        Assert.Equal([1.0, 8.0, 8.0], plans.Select(p => p.LearningRateScale));
        Assert.Equal([false, false, true], plans.Select(p => p.NoWeightDecay));

        var optimizer = ParameterGroups.Create("adamw", plans, new Dictionary<string, double> { ["lr"] = 1e-3, ["weight_decay"] = 0.01 });
        var groups = optimizer.Groups.Where(g => g.Parameters.Count > 0).ToList();
        Assert.Equal([1e-3, 8e-3, 8e-3], groups.Select(g => g.LearningRate));
        Assert.Equal([0.01, 0.01, 0.0], groups.Select(g => ((AdamWOptions)g.BaseOptions).WeightDecay));
    }

    [Fact]
    public void DefaultRatioIsSixteenAndMustBePositive()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, new LoraOptions { TargetModules = ["value"] });
        Assert.Equal(16.0, ParameterGroups.LoraPlus(model.NamedParameters()).Single(p => p.Name == "lora_b").LearningRateScale);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => ParameterGroups.LoraPlus(model.NamedParameters(), 0)).ParamName);
    }
}
