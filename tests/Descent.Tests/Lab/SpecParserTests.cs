using Descent.Experiments;
using Descent.Lab.Specs;

namespace Descent.Tests.Lab;

public sealed class SpecParserTests
{
    private static readonly FakeCatalog Catalog = new();

    private const string Valid = """
        { "name": "sgd-vs-adam-digits",
          "task": { "kind": "rosenbrock", "start": [-1.5, 2] },
          "budget": { "steps": 300 },
          "seeds": [0, 1, 2],
          "target": { "metric": "loss", "value": 0.01 },
          "optimizers": [
            { "name": "sgd", "lr": [0.001, 0.0003], "momentum": 0.9 },
            { "name": "adam", "lr": [3e-3, 1e-3, 3e-4], "betas": [0.9, 0.999] } ] }
        """;

    [Fact]
    public void ValidSpecExpandsGridsInSpecOrder()
    {
        var spec = SpecParser.Parse(Valid, Catalog);
        Assert.Equal("sgd-vs-adam-digits", spec.Name);
        Assert.Equal(TaskKinds.Rosenbrock, spec.Task.Kind);
        Assert.Equal([-1.5, 2.0], spec.Task.Start!);
        Assert.Equal(300, spec.Budget.Steps);
        Assert.Equal(MetricGoal.Minimize, spec.Goal);
        var configs = spec.Configurations();
        Assert.Equal(5, configs.Count);
        Assert.Equal("sgd+momentum", configs[0].Label);
        Assert.Equal("lr=0.001 momentum=0.9", configs[0].Description);
        Assert.Equal("lr=0.0003 momentum=0.9", configs[1].Description);
        Assert.Equal("lr=0.003 betas=(0.9,0.999)", configs[2].Description);
        Assert.Equal(0.0003, configs[4].LearningRate);
        Assert.Equal(15, spec.Runs().Count);
        Assert.Equal("0:sgd+momentum=sgd lr=0.001 momentum=0.9 #seed=2", spec.Runs()[2].Key);
    }

    [Fact]
    public void TupleGridIsAnArrayOfPairs()
    {
        var spec = SpecParser.Parse(Valid.Replace("\"betas\": [0.9, 0.999]", "\"betas\": [[0.9, 0.999], [0.95, 0.99]]", StringComparison.Ordinal), Catalog);
        Assert.Equal(8, spec.Configurations().Count);
        Assert.Equal("lr=0.003 betas=(0.95,0.99)", spec.Configurations()[3].Description);
    }

    [Fact]
    public void EveryProblemIsListedWithItsJsonPath()
    {
        const string bad = """
            { "name": "",
              "task": { "kind": "rosenbrok" },
              "budget": { "epochs": 0, "steps": 10 },
              "seeds": [0, 0, -1],
              "target": { "metric": "loss" },
              "optimizers": [
                { "name": "sgd", "lr": 0.1, "momentum": 1.5 },
                { "name": "adam", "lr": [-0.001, 0.001, 0.001], "betas": [0.9, 1.0], "eps": 0 },
                { "name": "lbfgs", "lr": 1 },
                { "name": "sgd", "lr": [] } ],
              "colour": "blue" }
            """;
        var ex = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(bad, Catalog));
        var got = ex.Errors.Select(e => e.ToString()).ToList();
        string[] expected =
        [
            "$.colour: unknown property; expected one of name, description, task, budget, seeds, target, optimizers, schedule, early_stopping, ranks",
            "$.name: must not be empty",
            "$.task.kind: unknown task kind 'rosenbrok'; expected one of linear-regression, mlp-regression, digits-mlp, fashion-transfer, minilm-spam, rosenbrock, beale, himmelblau, saddle, noisy-quadratic, csv, idx",
            "$.budget.epochs: must be in [1, 100000]",
            "$.budget: give exactly one of \"epochs\" or \"steps\"",
            "$.seeds[1]: seed 0 is listed twice",
            "$.seeds[2]: must be ≥ 0",
            "$.target: missing required property \"value\"",
            "$.optimizers[0].momentum: must be in [0, 1)",
            "$.optimizers[1].lr[0]: must be > 0",
            "$.optimizers[1].lr[2]: value 0.001 is listed twice in the grid",
            "$.optimizers[1].betas[1]: must be in [0, 1)",
            "$.optimizers[1].eps: must be > 0",
            "$.optimizers[2].name: unknown optimizer 'lbfgs'; expected one of sgd, adam",
            "$.optimizers[3].lr: an empty grid has no values; give at least one",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
        Assert.Contains("$.optimizers[1].lr[0]: must be > 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogRejectionsAreReportedPerOptimizerEntry()
    {
        const string json = """
            { "name": "x", "task": { "kind": "beale" }, "budget": { "steps": 5 },
              "optimizers": [ { "name": "sgd", "lr": 0.1, "nesterov": true }, { "name": "adam", "lr": 0.1, "gamma": 2 } ] }
            """;
        var ex = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(json, Catalog));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal("$.optimizers[0]", ex.Errors[0].Path);
        Assert.Contains("lr=0.1 nesterov=true is rejected: nesterov needs momentum > 0", ex.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("$.optimizers[1]", ex.Errors[1].Path);
        Assert.Contains("unknown hyperparameter 'gamma'", ex.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskFieldsThatDoNotApplyAreRejected()
    {
        const string json = """
            { "name": "x", "task": { "kind": "digits-mlp", "start": [0, 0], "noise": 1, "hidden": [0] },
              "budget": { "epochs": 2 }, "target": { "metric": "distance", "value": 1 },
              "optimizers": [ { "name": "sgd" } ] }
            """;
        var ex = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(json, Catalog));
        Assert.Equal(
            ["$.target.metric", "$.task.hidden[0]", "$.task.noise", "$.task.start"],
            ex.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InvalidJsonIsOneProblemAtTheRoot()
    {
        var ex = Assert.Throws<SpecValidationException>(() => SpecParser.Parse("{ \"name\": ", Catalog));
        Assert.Single(ex.Errors);
        Assert.Equal("$", ex.Errors[0].Path);
        Assert.StartsWith("not valid JSON", ex.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsAndDuplicateLabels()
    {
        const string json = """
            { "name": "x", "task": { "kind": "noisy-quadratic" }, "budget": { "steps": 5 },
              "optimizers": [ { "name": "sgd", "lr": 0.1 }, { "name": "sgd", "lr": 0.2 } ] }
            """;
        var spec = SpecParser.Parse(json, Catalog);
        Assert.Equal([0], spec.Seeds);
        Assert.Equal(1.0, spec.Task.Noise);
        Assert.Equal("loss", spec.Metric);
        Assert.Equal(["sgd", "sgd#2"], spec.Optimizers.Select(o => o.Label));
    }
}
