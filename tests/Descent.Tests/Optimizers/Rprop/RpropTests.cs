using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Cli;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers.Rprop;

/// <summary>
/// Rprop against torch.optim.Rprop (PyTorch 1.13, <c>rprop.json</c>): every case on both kernel paths, the
/// parameters after every step and the final state (<c>prev</c>, <c>step_size</c>, <c>step</c>) at rtol 1e-5 /
/// atol 1e-6, all expected values from the file; its options' validation; and its use by name through the
/// registry, a lab spec and <c>descent compare</c> with no edit outside its folder.
/// </summary>
public sealed class RpropTests(ITestOutputHelper output)
{
    private const string FileName = "rprop.json";

    public static TheoryData<string, KernelPath> Cases() => OptimizerGoldenFile.Rows(FileName);

    [Theory]
    [Trait("Category", "Parity")]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchTrajectory(string caseName, KernelPath path) =>
        OptimizerGoldenFile.CheckTrajectory(FileName, caseName, path, output);

    [Fact]
    public void OptionsHavePyTorchsDefaultsAndValidate()
    {
        var d = new RpropOptions();
        Assert.Equal((0.01, 0.5, 1.2, 1e-6, 50.0, false), (d.LearningRate, d.EtaMinus, d.EtaPlus, d.StepSizeMin, d.StepSizeMax, d.Maximize));
        Assert.Equal("EtaMinus", Assert.Throws<ArgumentOutOfRangeException>(() => new RpropOptions { EtaMinus = 1 }).ParamName);
        Assert.Equal("EtaMinus", Assert.Throws<ArgumentOutOfRangeException>(() => new RpropOptions { EtaMinus = 0 }).ParamName);
        var plus = Assert.Throws<ArgumentOutOfRangeException>(() => new RpropOptions { EtaPlus = 1 });
        Assert.Equal("EtaPlus", plus.ParamName);
        Assert.Contains("got 1", plus.Message, StringComparison.Ordinal);
        Assert.Equal("StepSizeMin", Assert.Throws<ArgumentOutOfRangeException>(() => new RpropOptions { StepSizeMin = -1 }).ParamName);
        var order = Assert.Throws<ArgumentException>(() => new Descent.Optimizers.Rprop([new Parameter(1)], new RpropOptions { StepSizeMin = 2, StepSizeMax = 1 }));
        Assert.Equal("StepSizeMax", order.ParamName);
    }

    [Fact]
    public void RegistryMapsPyTorchsArgumentsAndStateKeys()
    {
        var p = new Parameter(Tensor.FromArray([1f, 2f], 2));
        var opt = Assert.IsType<Descent.Optimizers.Rprop>(OptimizerRegistry.Create("Rprop", [p], new Dictionary<string, double>
        {
            ["lr"] = 0.02, ["etas1"] = 0.3, ["etas2"] = 1.5, ["step_sizes1"] = 1e-3, ["step_sizes2"] = 0.08, ["maximize"] = 1,
        }));
        Assert.Equal(new RpropOptions { LearningRate = 0.02, EtaMinus = 0.3, EtaPlus = 1.5, StepSizeMin = 1e-3, StepSizeMax = 0.08, Maximize = true }, opt.Defaults);
        p.Grad = Tensor.FromArray([1f, -1f], 2);
        opt.Step();
        Assert.Equal(["prev", "step_size"], opt.GetState(p)!.Tensors.Select(t => t.Key));
        Assert.Contains("etas", OptimizerRegistry.TupleNames);
        Assert.Contains("step_sizes", OptimizerRegistry.TupleNames);
    }

    [Fact]
    public void LabSpecAndCompareRunItByName()
    {
        const string Json = """
            { "name": "rprop-tiny", "task": { "kind": "himmelblau" }, "budget": { "steps": 20 }, "seeds": [0],
              "optimizers": [ { "name": "rprop", "lr": 0.01, "etas": [0.4, 1.1], "step_sizes": [1e-5, 1] } ] }
            """;
        var spec = SpecParser.Parse(Json, EngineCatalog.Instance);
        var run = Assert.Single(spec.Runs());
        Assert.Equal("rprop", spec.Optimizers[0].Name);

        var (text, runs) = CliHarness.Compare(Json);
        Assert.Contains("rprop", runs, StringComparison.Ordinal);
        Assert.NotNull(run);
        Assert.NotEmpty(text);
    }
}
