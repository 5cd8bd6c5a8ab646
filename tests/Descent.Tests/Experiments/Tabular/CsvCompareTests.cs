using System.Text.Json;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Tests.Cli;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Experiments.Tabular;

public sealed class CsvCompareTests
{
    [Fact]
    public void CompareRunsSgdAdamAndAdamWOnACsvThroughTheCli()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 60, seed: 1);
        files.Classification("val.csv", 30, seed: 2);
        var spec = files.Write("spec.json", TabularFiles.SpecText(
            """ "kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label", "model": { "hidden": [8] }, "batch_size": 16 """,
            """{ "name": "sgd", "lr": 0.1, "momentum": 0.9 }, { "name": "adam", "lr": 0.01 }, { "name": "adamw", "lr": 0.01, "weight_decay": 0.01 }""",
            epochs: 4));
        var output = files.Dir.Sub("out");
        var (code, text, error) = CliHarness.Run("compare", spec, "--jobs", "2", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("3 configurations × 2 seeds = 6 runs on csv", text, StringComparison.Ordinal);
        Assert.Contains("val_accuracy", text, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.Equal("val_accuracy", summary.RootElement.GetProperty("metric").GetString());
        Assert.Equal(6, summary.RootElement.GetProperty("runs_stored").GetInt32());
        Assert.Equal(["adam", "adamw", "sgd"], summary.RootElement.GetProperty("optimizers").EnumerateArray().Select(o => o.GetProperty("optimizer").GetString()).Order(StringComparer.Ordinal));

        // Running again resumes: the files are unchanged, so the fingerprint matches and nothing reruns.
        var (again, text2, error2) = CliHarness.Run("compare", spec, "--out", output);
        Assert.True(again == 0, error2);
        Assert.Contains("6 runs were already done, 0 executed now", text2, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv-classification.json", "val_accuracy")]
    [InlineData("csv-regression.json", "val_rmse")]
    [InlineData("idx-fashion-subset.json", "val_accuracy")]
    public void ExampleSpecsNameFilesThatValidate(string file, string metric)
    {
        var spec = SpecParser.ParseFile(Path.Combine(Golden.RepositoryRoot, "examples", "lab", file), EngineCatalog.Instance);
        spec.Task.Definition.Validate(spec.Task);
        Assert.Equal(metric, spec.Metric);
    }
}
