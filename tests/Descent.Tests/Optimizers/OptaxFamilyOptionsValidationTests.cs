using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Every invalid hyperparameter of Lion, LAMB, AdaBelief, Yogi, Adafactor and Schedule-Free AdamW is
/// rejected with its name, the value and the valid range.</summary>
public sealed class OptaxFamilyOptionsValidationTests
{
    public static TheoryData<string, string, string, Func<object>> Invalid() => new()
    {
        { "Lion.LearningRate", "LearningRate", "-0.1", () => new LionOptions { LearningRate = -0.1 } },
        { "Lion.LearningRate NaN", "LearningRate", "NaN", () => new LionOptions { LearningRate = double.NaN } },
        { "Lion.Beta1", "Beta1", "1.5", () => new LionOptions { Beta1 = 1.5 } },
        { "Lion.Beta2", "Beta2", "-0.01", () => new LionOptions { Beta2 = -0.01 } },
        { "Lion.WeightDecay", "WeightDecay", "-1", () => new LionOptions { WeightDecay = -1 } },
        { "Lion.WeightDecay Inf", "WeightDecay", "Infinity", () => new LionOptions { WeightDecay = double.PositiveInfinity } },
        { "Lamb.LearningRate", "LearningRate", "Infinity", () => new LambOptions { LearningRate = double.PositiveInfinity } },
        { "Lamb.Beta1", "Beta1", "1", () => new LambOptions { Beta1 = 1 } },
        { "Lamb.Beta2", "Beta2", "NaN", () => new LambOptions { Beta2 = double.NaN } },
        { "Lamb.Epsilon", "Epsilon", "-1E-06", () => new LambOptions { Epsilon = -1e-6 } },
        { "Lamb.EpsilonRoot", "EpsilonRoot", "-1", () => new LambOptions { EpsilonRoot = -1 } },
        { "Lamb.WeightDecay", "WeightDecay", "-0.01", () => new LambOptions { WeightDecay = -0.01 } },
        { "AdaBelief.LearningRate", "LearningRate", "-1", () => new AdaBeliefOptions { LearningRate = -1 } },
        { "AdaBelief.Beta1", "Beta1", "-0.5", () => new AdaBeliefOptions { Beta1 = -0.5 } },
        { "AdaBelief.Beta2", "Beta2", "1", () => new AdaBeliefOptions { Beta2 = 1 } },
        { "AdaBelief.Epsilon", "Epsilon", "-1E-16", () => new AdaBeliefOptions { Epsilon = -1e-16 } },
        { "AdaBelief.EpsilonRoot", "EpsilonRoot", "NaN", () => new AdaBeliefOptions { EpsilonRoot = double.NaN } },
        { "Yogi.LearningRate", "LearningRate", "-0.01", () => new YogiOptions { LearningRate = -0.01 } },
        { "Yogi.Beta1", "Beta1", "2", () => new YogiOptions { Beta1 = 2 } },
        { "Yogi.Beta2", "Beta2", "1", () => new YogiOptions { Beta2 = 1 } },
        { "Yogi.Epsilon", "Epsilon", "-0.001", () => new YogiOptions { Epsilon = -0.001 } },
        { "Yogi.EpsilonRoot", "EpsilonRoot", "-1", () => new YogiOptions { EpsilonRoot = -1 } },
        { "Yogi.InitialAccumulatorValue zero", "InitialAccumulatorValue", "0", () => new YogiOptions { InitialAccumulatorValue = 0 } },
        { "Yogi.InitialAccumulatorValue", "InitialAccumulatorValue", "-1E-06", () => new YogiOptions { InitialAccumulatorValue = -1e-6 } },
        { "Adafactor.LearningRate", "LearningRate", "-1", () => new AdafactorOptions { LearningRate = -1 } },
        { "Adafactor.MinDimSizeToFactor", "MinDimSizeToFactor", "0", () => new AdafactorOptions { MinDimSizeToFactor = 0 } },
        { "Adafactor.DecayRate", "DecayRate", "0", () => new AdafactorOptions { DecayRate = 0 } },
        { "Adafactor.DecayRate NaN", "DecayRate", "NaN", () => new AdafactorOptions { DecayRate = double.NaN } },
        { "Adafactor.DecayOffset", "DecayOffset", "-1", () => new AdafactorOptions { DecayOffset = -1 } },
        { "Adafactor.ClippingThreshold", "ClippingThreshold", "0", () => new AdafactorOptions { ClippingThreshold = 0 } },
        { "Adafactor.Momentum", "Momentum", "1.1", () => new AdafactorOptions { Momentum = 1.1 } },
        { "Adafactor.WeightDecayRate", "WeightDecayRate", "-0.1", () => new AdafactorOptions { WeightDecayRate = -0.1 } },
        { "Adafactor.Epsilon", "Epsilon", "-1E-30", () => new AdafactorOptions { Epsilon = -1e-30 } },
        { "ScheduleFreeAdamW.LearningRate", "LearningRate", "-0.0025", () => new ScheduleFreeAdamWOptions { LearningRate = -0.0025 } },
        { "ScheduleFreeAdamW.WarmupSteps", "WarmupSteps", "-5", () => new ScheduleFreeAdamWOptions { WarmupSteps = -5 } },
        { "ScheduleFreeAdamW.Beta1 zero", "Beta1", "0", () => new ScheduleFreeAdamWOptions { Beta1 = 0 } },
        { "ScheduleFreeAdamW.Beta1", "Beta1", "1.5", () => new ScheduleFreeAdamWOptions { Beta1 = 1.5 } },
        { "ScheduleFreeAdamW.Beta2", "Beta2", "1", () => new ScheduleFreeAdamWOptions { Beta2 = 1 } },
        { "ScheduleFreeAdamW.Epsilon", "Epsilon", "-1E-08", () => new ScheduleFreeAdamWOptions { Epsilon = -1e-8 } },
        { "ScheduleFreeAdamW.WeightDecay", "WeightDecay", "-0.1", () => new ScheduleFreeAdamWOptions { WeightDecay = -0.1 } },
        { "ScheduleFreeAdamW.WeightLrPower", "WeightLrPower", "-2", () => new ScheduleFreeAdamWOptions { WeightLrPower = -2 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RejectsWithNameValueAndRange(string label, string name, string value, Func<object> make)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(make);
        Assert.Equal(name, ex.ParamName);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"must be (finite and )?(>=|>|in)", ex.Message);
        Assert.False(string.IsNullOrEmpty(label));
    }

    [Fact]
    public void DefaultsAreOptaxs()
    {
        var lion = new LionOptions();
        Assert.Equal((0.9, 0.99, 1e-3), (lion.Beta1, lion.Beta2, lion.WeightDecay));
        var lamb = new LambOptions();
        Assert.Equal((0.9, 0.999, 1e-6, 0.0, 0.0), (lamb.Beta1, lamb.Beta2, lamb.Epsilon, lamb.EpsilonRoot, lamb.WeightDecay));
        var belief = new AdaBeliefOptions();
        Assert.Equal((0.9, 0.999, 1e-16, 1e-16), (belief.Beta1, belief.Beta2, belief.Epsilon, belief.EpsilonRoot));
        var yogi = new YogiOptions();
        Assert.Equal((0.9, 0.999, 1e-3, 0.0, 1e-6), (yogi.Beta1, yogi.Beta2, yogi.Epsilon, yogi.EpsilonRoot, yogi.InitialAccumulatorValue));
        var ada = new AdafactorOptions();
        Assert.Equal((128, 0.8, 0, true, 1.0, 1e-30, true), (ada.MinDimSizeToFactor, ada.DecayRate, ada.DecayOffset, ada.MultiplyByParameterScale, ada.ClippingThreshold, ada.Epsilon, ada.Factored));
        Assert.Null(ada.Momentum);
        Assert.Null(ada.WeightDecayRate);
        var sf = new ScheduleFreeAdamWOptions();
        Assert.Equal((0.0025, 0.9, 0.999, 1e-8, 0.0, 2.0), (sf.LearningRate, sf.Beta1, sf.Beta2, sf.Epsilon, sf.WeightDecay, sf.WeightLrPower));
        Assert.Null(sf.WarmupSteps);
    }

    [Theory]
    [InlineData(new[] { 3, 11 }, 3, 0, 1)]
    [InlineData(new[] { 11, 3 }, 3, 1, 0)]
    [InlineData(new[] { 4, 4, 5 }, 3, 1, 2)] // ties: the earlier axis sorts first (numpy argsort)
    [InlineData(new[] { 5, 5 }, 3, 0, 1)]
    [InlineData(new[] { 200, 300 }, 128, 0, 1)]
    public void FactoredAxesAreTheTwoLargest(int[] shape, int minDim, int row, int col)
    {
        Assert.Equal((row, col), new AdafactorOptions { MinDimSizeToFactor = minDim }.FactoredAxes(shape));
    }

    [Theory]
    [InlineData(new[] { 65 }, 3)]
    [InlineData(new[] { 3, 11 }, 128)]
    [InlineData(new[] { 2, 300 }, 3)]
    public void SmallOrVectorShapesAreNotFactored(int[] shape, int minDim)
    {
        Assert.Null(new AdafactorOptions { MinDimSizeToFactor = minDim }.FactoredAxes(shape));
        Assert.Null(new AdafactorOptions { Factored = false }.FactoredAxes([300, 400]));
    }
}
