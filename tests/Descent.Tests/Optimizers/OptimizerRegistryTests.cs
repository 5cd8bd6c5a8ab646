using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

public sealed class OptimizerRegistryTests
{
    private static readonly string[] TorchFamily = ["sgd", "adam", "adamw", "adamax", "nadam", "radam", "rmsprop", "adagrad", "adadelta"];

    [Fact]
    public void EveryTorchOptimizerIsRegistered()
    {
        foreach (var n in TorchFamily)
        {
            Assert.True(OptimizerRegistry.Contains(n), n);
        }
    }

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var n in OptimizerRegistry.Names)
        {
            d.Add(n);
        }

        return d;
    }

    private static readonly HashSet<(string, string)> StrictlyPositive =
    [
        ("adafactor", "min_dim_size_to_factor"), ("adafactor", "decay_rate"), ("adafactor", "clipping_threshold"),
        ("yogi", "initial_accumulator_value"), ("schedulefree_adamw", "beta1"), ("muon", "eps"), ("muon", "ns_steps"),
    ];

    /// <summary>Names whose valid range holds neither 0 nor 1: Rprop's etas (0 &lt; η₋ &lt; 1 &lt; η₊).</summary>
    private static readonly Dictionary<(string, string), double> Inside = new()
    {
        [("rprop", "etas1")] = 0.5, [("rprop", "etas2")] = 1.2,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void CreatesWithDefaultsAndWithEveryDeclaredName(string name)
    {
        var p = new Parameter(4);
        Assert.NotNull(OptimizerRegistry.Create(name, [p]));
        var d = OptimizerRegistry.Get(name);
        // A value that is valid for every kind of hyperparameter (flags 0/1, rates, decays in [0, 1)); the few
        // that must be strictly positive (Adafactor's sizes and rates, Yogi's accumulator, Schedule-Free's b1, Muon's eps
        // and step count) get 1, the few whose range holds neither (Rprop's etas) a value inside it.
        var all = d.HyperparameterNames.ToDictionary(h => h, h => Inside.TryGetValue((name, h), out var v) ? v : StrictlyPositive.Contains((name, h)) ? 1.0 : 0.0);
        Assert.NotNull(OptimizerRegistry.Create(name, [new Parameter(4)], all));
    }

    [Fact]
    public void MapsPyTorchNamesOntoOptions()
    {
        var adam = Assert.IsType<Adam>(OptimizerRegistry.Create("Adam", [new Parameter(2)], new Dictionary<string, double>
        {
            ["lr"] = 0.01, ["beta1"] = 0.8, ["beta2"] = 0.99, ["eps"] = 1e-6, ["weight_decay"] = 0.1, ["amsgrad"] = 1, ["foreach"] = 0,
        }));
        Assert.Equal(new AdamOptions
        {
            LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, WeightDecay = 0.1, Amsgrad = true,
        }, adam.Defaults);

        var sgd = Assert.IsType<Sgd>(OptimizerRegistry.Create("sgd", [new Parameter(2)], new Dictionary<string, double>
        {
            ["lr"] = 0.05, ["momentum"] = 0.9, ["nesterov"] = 1,
        }));
        Assert.Equal(new SgdOptions { LearningRate = 0.05, Momentum = 0.9, Nesterov = true }, sgd.Defaults);
    }

    [Fact]
    public void AdamWithDecoupledWeightDecayIsAdamW()
    {
        var opt = OptimizerRegistry.Create("adam", [new Parameter(2)], new Dictionary<string, double>
        {
            ["lr"] = 0.01, ["weight_decay"] = 0.05, ["decoupled_weight_decay"] = 1,
        });
        var adamw = Assert.IsType<AdamW>(opt);
        Assert.Equal(0.05, adamw.Defaults.WeightDecay);
        Assert.Equal(0.01, adamw.Defaults.LearningRate);
    }

    [Fact]
    public void UnknownOptimizerListsValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimizerRegistry.Create("adamx", [new Parameter(2)]));
        Assert.Contains("'adamx'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("adamw", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sgd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownHyperparameterListsValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            OptimizerRegistry.Create("sgd", [new Parameter(2)], new Dictionary<string, double> { ["betas"] = 0.9, ["lr"] = 0.1 }));
        Assert.Contains("'betas'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lr, momentum, dampening, weight_decay, nesterov, maximize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlagsMustBeZeroOrOne()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            OptimizerRegistry.Create("adam", [new Parameter(2)], new Dictionary<string, double> { ["amsgrad"] = 0.5 }));
        Assert.Equal("amsgrad", ex.ParamName);
        Assert.Contains("0 or 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeValuesAreRejectedByTheOptions()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            OptimizerRegistry.Create("adam", [new Parameter(2)], new Dictionary<string, double> { ["beta1"] = 1.5 }));
        Assert.Equal("Beta1", ex.ParamName);
    }

    [Fact]
    public void TupleComponentsFollowPyTorchNames()
    {
        Assert.Equal("beta1", OptimizerRegistry.TupleComponentName("betas", 0));
        Assert.Equal("beta2", OptimizerRegistry.TupleComponentName("betas", 1));
        Assert.Equal("eps2", OptimizerRegistry.TupleComponentName("eps", 1));
    }

    [Fact]
    public void RegisterAddsAnOptimizer()
    {
        OptimizerRegistry.Register(new OptimizerDescriptor("test-sgd-clone", "SGD under another name, for this test", ["lr"],
            (ps, h) => new Sgd(ps, new SgdOptions { LearningRate = h.Number("lr", 0.1) })));
        try
        {
            var sgd = Assert.IsType<Sgd>(OptimizerRegistry.Create("test-sgd-clone", [new Parameter(1)], new Dictionary<string, double> { ["lr"] = 0.3 }));
            Assert.Equal(0.3, sgd.Defaults.LearningRate);
        }
        finally
        {
            Assert.True(OptimizerRegistry.Unregister("test-sgd-clone"));
        }

        Assert.False(OptimizerRegistry.Contains("test-sgd-clone"));
    }

    [Fact]
    public void FactoryReadingAnUndeclaredNameIsAProgrammingError()
    {
        OptimizerRegistry.Register(new OptimizerDescriptor("test-undeclared", "reads a name it does not declare", ["lr"],
            (ps, h) => new Sgd(ps, new SgdOptions { Momentum = h.Number("momentum", 0) })));
        try
        {
            Assert.Throws<InvalidOperationException>(() => OptimizerRegistry.Create("test-undeclared", [new Parameter(1)]));
        }
        finally
        {
            OptimizerRegistry.Unregister("test-undeclared");
        }
    }
}
