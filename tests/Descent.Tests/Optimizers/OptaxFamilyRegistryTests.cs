using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>The Optax-family optimizers are created by CLI name through <see cref="OptimizerRegistry"/>.</summary>
public sealed class OptaxFamilyRegistryTests
{
    [Theory]
    [InlineData("lion", typeof(Lion))]
    [InlineData("lamb", typeof(Lamb))]
    [InlineData("adabelief", typeof(AdaBelief))]
    [InlineData("yogi", typeof(Yogi))]
    [InlineData("adafactor", typeof(Adafactor))]
    [InlineData("schedulefree_adamw", typeof(ScheduleFreeAdamW))]
    public void CreatesByName(string name, Type type)
    {
        Assert.Contains(name, OptimizerRegistry.Names);
        var opt = OptimizerRegistry.Create(name, [new Parameter(3)], new Dictionary<string, double> { ["lr"] = 0.125 });
        Assert.IsType(type, opt);
        Assert.Equal(0.125, opt.Groups[0].LearningRate);
    }

    [Fact]
    public void MapsEveryArgument()
    {
        var lion = (Lion)OptimizerRegistry.Create("lion", [new Parameter(1)], new Dictionary<string, double> { ["beta1"] = 0.95, ["beta2"] = 0.98, ["weight_decay"] = 0.1 });
        Assert.Equal((0.95, 0.98, 0.1), (lion.Defaults.Beta1, lion.Defaults.Beta2, lion.Defaults.WeightDecay));

        var ada = (Adafactor)OptimizerRegistry.Create("adafactor", [new Parameter(1)], new Dictionary<string, double>
        {
            ["factored"] = 0, ["min_dim_size_to_factor"] = 3, ["decay_rate"] = 0.7, ["decay_offset"] = 5,
            ["multiply_by_parameter_scale"] = 0, ["clipping_threshold"] = 2, ["momentum"] = 0.9, ["weight_decay_rate"] = 0.01, ["eps"] = 1e-20,
        });
        var o = ada.Defaults;
        Assert.Equal((false, 3, 0.7, 5, false, (double?)2, (double?)0.9, (double?)0.01, 1e-20),
            (o.Factored, o.MinDimSizeToFactor, o.DecayRate, o.DecayOffset, o.MultiplyByParameterScale, o.ClippingThreshold, o.Momentum, o.WeightDecayRate, o.Epsilon));

        var sf = (ScheduleFreeAdamW)OptimizerRegistry.Create("schedulefree_adamw", [new Parameter(1)], new Dictionary<string, double> { ["warmup_steps"] = 10, ["weight_lr_power"] = 1 });
        Assert.Equal((10, 1.0), (sf.Defaults.WarmupSteps, sf.Defaults.WeightLrPower));
        Assert.Null(((ScheduleFreeAdamW)OptimizerRegistry.Create("schedulefree_adamw", [new Parameter(1)])).Defaults.WarmupSteps);
    }

    [Fact]
    public void RejectsUnknownAndInvalidArguments()
    {
        var unknown = Assert.Throws<ArgumentException>(() => OptimizerRegistry.Create("yogi", [new Parameter(1)], new Dictionary<string, double> { ["momentum"] = 0.9 }));
        Assert.Contains("momentum", unknown.Message, StringComparison.Ordinal);
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerRegistry.Create("lamb", [new Parameter(1)], new Dictionary<string, double> { ["beta2"] = 1.5 }));
        Assert.Equal("Beta2", invalid.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerRegistry.Create("adafactor", [new Parameter(1)], new Dictionary<string, double> { ["decay_offset"] = 1.5 }));
    }
}
