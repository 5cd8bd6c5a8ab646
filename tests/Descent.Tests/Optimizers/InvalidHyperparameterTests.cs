using System.Globalization;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Every option of every optimizer rejects out-of-range values with ArgumentOutOfRangeException
/// naming the property, the value and the valid range; cross-field rules throw at construction.</summary>
public sealed class InvalidHyperparameterTests
{
    private static readonly Dictionary<string, Func<double, OptimizerOptions>> Setters = new()
    {
        ["Sgd.LearningRate"] = v => new SgdOptions { LearningRate = v },
        ["Sgd.Momentum"] = v => new SgdOptions { Momentum = v },
        ["Sgd.Dampening"] = v => new SgdOptions { Dampening = v },
        ["Sgd.WeightDecay"] = v => new SgdOptions { WeightDecay = v },
        ["Adam.LearningRate"] = v => new AdamOptions { LearningRate = v },
        ["Adam.Beta1"] = v => new AdamOptions { Beta1 = v },
        ["Adam.Beta2"] = v => new AdamOptions { Beta2 = v },
        ["Adam.Epsilon"] = v => new AdamOptions { Epsilon = v },
        ["Adam.WeightDecay"] = v => new AdamOptions { WeightDecay = v },
        ["AdamW.LearningRate"] = v => new AdamWOptions { LearningRate = v },
        ["AdamW.Beta1"] = v => new AdamWOptions { Beta1 = v },
        ["AdamW.Beta2"] = v => new AdamWOptions { Beta2 = v },
        ["AdamW.Epsilon"] = v => new AdamWOptions { Epsilon = v },
        ["AdamW.WeightDecay"] = v => new AdamWOptions { WeightDecay = v },
        ["Adamax.LearningRate"] = v => new AdamaxOptions { LearningRate = v },
        ["Adamax.Beta1"] = v => new AdamaxOptions { Beta1 = v },
        ["Adamax.Beta2"] = v => new AdamaxOptions { Beta2 = v },
        ["Adamax.Epsilon"] = v => new AdamaxOptions { Epsilon = v },
        ["Adamax.WeightDecay"] = v => new AdamaxOptions { WeightDecay = v },
        ["NAdam.LearningRate"] = v => new NAdamOptions { LearningRate = v },
        ["NAdam.Beta1"] = v => new NAdamOptions { Beta1 = v },
        ["NAdam.Beta2"] = v => new NAdamOptions { Beta2 = v },
        ["NAdam.Epsilon"] = v => new NAdamOptions { Epsilon = v },
        ["NAdam.WeightDecay"] = v => new NAdamOptions { WeightDecay = v },
        ["NAdam.MomentumDecay"] = v => new NAdamOptions { MomentumDecay = v },
        ["RAdam.LearningRate"] = v => new RAdamOptions { LearningRate = v },
        ["RAdam.Beta1"] = v => new RAdamOptions { Beta1 = v },
        ["RAdam.Beta2"] = v => new RAdamOptions { Beta2 = v },
        ["RAdam.Epsilon"] = v => new RAdamOptions { Epsilon = v },
        ["RAdam.WeightDecay"] = v => new RAdamOptions { WeightDecay = v },
        ["RmsProp.LearningRate"] = v => new RmsPropOptions { LearningRate = v },
        ["RmsProp.Alpha"] = v => new RmsPropOptions { Alpha = v },
        ["RmsProp.Epsilon"] = v => new RmsPropOptions { Epsilon = v },
        ["RmsProp.WeightDecay"] = v => new RmsPropOptions { WeightDecay = v },
        ["RmsProp.Momentum"] = v => new RmsPropOptions { Momentum = v },
        ["Adagrad.LearningRate"] = v => new AdagradOptions { LearningRate = v },
        ["Adagrad.LearningRateDecay"] = v => new AdagradOptions { LearningRateDecay = v },
        ["Adagrad.WeightDecay"] = v => new AdagradOptions { WeightDecay = v },
        ["Adagrad.InitialAccumulatorValue"] = v => new AdagradOptions { InitialAccumulatorValue = v },
        ["Adagrad.Epsilon"] = v => new AdagradOptions { Epsilon = v },
        ["Adadelta.LearningRate"] = v => new AdadeltaOptions { LearningRate = v },
        ["Adadelta.Rho"] = v => new AdadeltaOptions { Rho = v },
        ["Adadelta.Epsilon"] = v => new AdadeltaOptions { Epsilon = v },
        ["Adadelta.WeightDecay"] = v => new AdadeltaOptions { WeightDecay = v },
        ["Muon.LearningRate"] = v => new MuonOptions { LearningRate = v },
        ["Muon.WeightDecay"] = v => new MuonOptions { WeightDecay = v },
        ["Muon.Momentum"] = v => new MuonOptions { Momentum = v },
        ["Muon.NewtonSchulzA"] = v => new MuonOptions { NewtonSchulzA = v },
        ["Muon.NewtonSchulzB"] = v => new MuonOptions { NewtonSchulzB = v },
        ["Muon.NewtonSchulzC"] = v => new MuonOptions { NewtonSchulzC = v },
        ["Muon.Epsilon"] = v => new MuonOptions { Epsilon = v },
        ["Muon.AdamWLearningRate"] = v => new MuonOptions { AdamWLearningRate = v },
        ["Muon.AdamWWeightDecay"] = v => new MuonOptions { AdamWWeightDecay = v },
    };

    /// <summary>Invalid values per kind of range: [0, ∞) finite, [0, 1), [0, 1].</summary>
    private static readonly Dictionary<string, double[]> InvalidByRange = new()
    {
        ["nonnegative"] = [-1e-3, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity],
        ["unit-half-open"] = [-0.1, 1.0, 1.5, double.NaN, double.PositiveInfinity],
        ["unit-closed"] = [-0.1, 1.0000001, 2, double.NaN, double.PositiveInfinity],
        ["positive"] = [0, -1e-3, double.NaN, double.PositiveInfinity, double.NegativeInfinity],
        ["finite"] = [double.NaN, double.PositiveInfinity, double.NegativeInfinity],
    };

    private static string RangeOf(string property) => property switch
    {
        "Muon.Epsilon" => "positive",
        "Muon.NewtonSchulzA" or "Muon.NewtonSchulzB" or "Muon.NewtonSchulzC" => "finite",
        _ => property.Split('.')[1] switch
        {
            "Beta1" or "Beta2" => "unit-half-open",
            "Dampening" or "Alpha" or "Rho" => "unit-closed",
            _ => "nonnegative",
        },
    };

    public static TheoryData<string, double> InvalidRows()
    {
        var d = new TheoryData<string, double>();
        foreach (var property in Setters.Keys)
        {
            foreach (var v in InvalidByRange[RangeOf(property)])
            {
                d.Add(property, v);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(InvalidRows))]
    public void InvalidValueIsRejectedWithNameValueAndRange(string property, double value)
    {
        var name = property.Split('.')[1];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Setters[property](value));
        Assert.Equal(name, ex.ParamName);
        Assert.Equal(value, (double)ex.ActualValue!);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value.ToString("R", CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        var range = RangeOf(property) switch
        {
            "unit-half-open" => "[0, 1)",
            "unit-closed" => "[0, 1]",
            "positive" => "> 0",
            "finite" => "finite",
            _ => ">= 0",
        };
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    public void MuonNewtonSchulzStepsOutsideOneTo99AreRejected(int steps)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MuonOptions { NewtonSchulzSteps = steps });
        Assert.Equal("NewtonSchulzSteps", ex.ParamName);
        Assert.Contains($"must be in [1, 99], got {steps}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(99, new MuonOptions { NewtonSchulzSteps = 99 }.NewtonSchulzSteps);
    }

    [Fact]
    public void MuonRejectsUnknownChoicesByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimizerRegistry.Create("muon", [new Parameter(2, 2)], null,
            new Dictionary<string, string> { ["adjust_lr_fn"] = "spectral_unclamped" }));
        Assert.Contains("adjust_lr_fn must be original or match_rms_adamw, got 'spectral_unclamped'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MuonOptions { Precision = (NewtonSchulzPrecision)7 });
    }

    [Fact]
    public void InvalidValueIsRejectedThroughWith()
    {
        var adam = new AdamOptions();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => adam with { Beta2 = 1.0 });
        Assert.Equal("Beta2", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions() with { LearningRate = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsPropOptions() with { Alpha = double.NaN });
        Assert.Equal(0.999, adam.Beta2);
    }

    public static TheoryData<string> Properties()
    {
        var d = new TheoryData<string>();
        foreach (var p in Setters.Keys)
        {
            d.Add(p);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public void BoundaryValuesAreAccepted(string property)
    {
        Setters[property](RangeOf(property) == "positive" ? double.Epsilon : 0);
        if (RangeOf(property) == "unit-closed")
        {
            Setters[property](1);
        }
    }

    [Fact]
    public void EveryOptionOfEveryOptionsRecordIsCovered()
    {
        var types = new[]
        {
            typeof(SgdOptions), typeof(AdamOptions), typeof(AdamWOptions), typeof(AdamaxOptions), typeof(NAdamOptions),
            typeof(RAdamOptions), typeof(RmsPropOptions), typeof(AdagradOptions), typeof(AdadeltaOptions), typeof(MuonOptions),
        };
        foreach (var t in types)
        {
            var prefix = t.Name[..^"Options".Length];
            foreach (var prop in t.GetProperties().Where(p => p.PropertyType == typeof(double)))
            {
                Assert.True(Setters.ContainsKey($"{prefix}.{prop.Name}"), $"no invalid-value row for {prefix}.{prop.Name}");
            }
        }
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.9, 0.1)]
    [InlineData(0.0, 0.5)]
    public void NesterovWithoutMomentumOrWithDampeningFailsAtConstruction(double momentum, double dampening)
    {
        var options = new SgdOptions { LearningRate = 0.1, Momentum = momentum, Dampening = dampening, Nesterov = true };
        var ex = Assert.Throws<ArgumentException>(() => new Sgd([new Parameter(3)], options));
        Assert.Equal("Nesterov", ex.ParamName);
        Assert.Contains($"Momentum = {momentum.ToString("R", CultureInfo.InvariantCulture)}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Dampening = {dampening.ToString("R", CultureInfo.InvariantCulture)}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NesterovRuleAlsoGuardsGroupsAddedOrChangedLater()
    {
        var sgd = new Sgd([new Parameter(3)], new SgdOptions { Momentum = 0.9, Nesterov = true });
        Assert.Throws<ArgumentException>(() => sgd.AddGroup([new Parameter(2)], new SgdOptions { Nesterov = true }));
        var group = sgd.TypedGroups[0];
        Assert.Throws<ArgumentException>(() => group.Options = group.Options with { Momentum = 0 });
        Assert.Equal(0.9, group.Options.Momentum);
    }

    [Fact]
    public void ValidNesterovIsAccepted()
    {
        var sgd = new Sgd([new Parameter(3)], new SgdOptions { Momentum = 0.9, Nesterov = true });
        Assert.True(sgd.Defaults.Nesterov);
    }
}
