using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

public class ParameterGroupsTests
{
    private sealed class Net : Module
    {
        public Net()
        {
            RegisterModule("embed", new Linear(4, 4, new Rng(1)));
            RegisterModule("layer", new Sequential(new Linear(4, 4, new Rng(2)), new Linear(4, 4, new Rng(3))));
            RegisterModule("head", new Linear(4, 2, new Rng(4)));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void NoDecayOnBiasesAndNormWeights()
    {
        var model = new Sequential(new Linear(3, 4, new Rng(1)), new Linear(4, 2, new Rng(2)));
        var plans = ParameterGroups.WeightDecaySplit(model.NamedParameters());
        Assert.Equal(["decay", "no_decay"], plans.Select(p => p.Name));
        Assert.Equal(["0.weight", "1.weight"], plans[0].Parameters.Select(p => p.Name));
        Assert.Equal(["0.bias", "1.bias"], plans[1].Parameters.Select(p => p.Name));
        Assert.True(plans[1].NoWeightDecay);
        Assert.True(ParameterGroups.IsNoDecay("1.weight", new Parameter(8))); // a 1-D (normalization) weight

        var opt = ParameterGroups.Create("adamw", plans, new Dictionary<string, double> { ["lr"] = 0.01, ["weight_decay"] = 0.05 });
        var groups = opt.Groups.Skip(1).Cast<ParameterGroup<AdamWOptions>>().ToList();
        Assert.Equal(0.05, groups[0].Options.WeightDecay);
        Assert.Equal(0.0, groups[1].Options.WeightDecay);
        Assert.All(groups, g => Assert.Equal(0.01, g.LearningRate));
        Assert.Equal("no_decay", groups[1].Name);
    }

    [Fact]
    public void LayerwiseDecayByDepth()
    {
        var model = new Net();
        var depths = ParameterGroups.Depths(model.NamedParameters().Select(p => p.Name).ToList());
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], depths);

        var plans = ParameterGroups.LayerwiseDecay(model.NamedParameters(), 0.5);
        Assert.Equal(
            ["layer.0", "layer.0.no_decay", "layer.1", "layer.1.no_decay", "layer.2", "layer.2.no_decay", "layer.3", "layer.3.no_decay"],
            plans.Select(p => p.Name));
        Assert.Equal([0.125, 0.125, 0.25, 0.25, 0.5, 0.5, 1, 1], plans.Select(p => p.LearningRateScale));
        Assert.Equal(["layer.1.weight"], plans[4].Parameters.Select(p => p.Name));

        var opt = ParameterGroups.Create("sgd", plans, new Dictionary<string, double> { ["lr"] = 0.1, ["weight_decay"] = 1e-4 });
        var sgdGroups = opt.Groups.Skip(1).Cast<ParameterGroup<SgdOptions>>().ToList();
        Assert.Equal([0.0125, 0.0125, 0.025, 0.025, 0.05, 0.05, 0.1, 0.1], sgdGroups.Select(g => g.LearningRate));
        Assert.Equal([1e-4, 0, 1e-4, 0, 1e-4, 0, 1e-4, 0], sgdGroups.Select(g => g.Options.WeightDecay));

        // Sequential indices: the last layer is the head.
        var seq = new Sequential(new Linear(2, 2, new Rng(1)), new Tanh(), new Linear(2, 2, new Rng(2)));
        var seqPlans = ParameterGroups.LayerwiseDecay(seq.NamedParameters(), 0.8, splitWeightDecay: false);
        Assert.Equal([0.8, 1.0], seqPlans.Select(p => p.LearningRateScale));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterGroups.LayerwiseDecay(seq.NamedParameters(), 0));
    }
}
