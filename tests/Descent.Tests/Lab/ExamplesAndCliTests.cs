using System.Text.Json;
using Descent.Experiments;
using Descent.Lab;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Tests.Cli;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Lab;

public sealed class ExamplesAndCliTests
{
    public static TheoryData<string> Examples =>
        [.. Directory.GetFiles(Path.Combine(Golden.RepositoryRoot, "examples", "lab"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleSpecsAreValidWithTheEngineCatalog(string file)
    {
        var spec = SpecParser.ParseFile(Path.Combine(Golden.RepositoryRoot, "examples", "lab", file), EngineCatalog.Instance);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), spec.Name);
        Assert.NotEmpty(spec.Runs());
    }

    [Fact]
    public void SchemaIsJsonAndListsEveryTaskKind()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "experiment.schema.json")));
        var kinds = doc.RootElement.GetProperty("properties").GetProperty("task").GetProperty("properties").GetProperty("kind").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(TaskKinds.All, kinds);
    }

    [Fact]
    public void PresetSpecsAreValid()
    {
        Assert.Contains("sgd-vs-adam", Presets.Names);
        var specs = Presets.Load("sgd-vs-adam").Select(t => SpecParser.Parse(t, EngineCatalog.Instance)).ToList();
        Assert.Contains(specs, s => s.Task.Kind == TaskKinds.MlpRegression);
        Assert.Equal(specs.Count, specs.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void CompareRejectsAnInvalidSpecListingEveryProblem()
    {
        using var dir = new TempDir();
        var spec = dir.Sub("bad.json");
        File.WriteAllText(spec, """
            { "name": "bad", "task": { "kind": "beale" }, "budget": { "steps": 10 },
              "optimizers": [ { "name": "sgd", "lr": 0.1 }, { "name": "adam", "lr": [0.01, -1] }, { "name": "nope" } ] }
            """);
        var (code, _, error) = CliHarness.Run("compare", spec, "--out", dir.Sub("out"));
        Assert.Equal(1, code);
        Assert.Contains("$.optimizers[1].lr[1]: must be > 0", error, StringComparison.Ordinal);
        Assert.Contains("$.optimizers[2].name: unknown optimizer 'nope'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("out")));
    }

    [Fact]
    public void CompareWritesTheStoreSummaryAndReportAndReportRerendersIdentically()
    {
        using var dir = new TempDir();
        var spec = dir.Sub("spec.json");
        File.WriteAllText(spec, """
            { "name": "tiny", "task": { "kind": "himmelblau" }, "budget": { "steps": 50 }, "seeds": [0, 1],
              "target": { "metric": "loss", "value": 1 },
              "optimizers": [ { "name": "sgd", "lr": [0.01, 0.001] }, { "name": "adam", "lr": 0.1 } ] }
            """);
        var output = dir.Sub("out");
        var (code, text, error) = CliHarness.Run("compare", spec, "--jobs", "2", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("On himmelblau, with a budget of 50 steps and 2 seeds", text, StringComparison.Ordinal);
        foreach (var f in new[] { "runs.db", "summary.json", "timing.json", "report.html", "runs.csv", "metrics.csv", "runs.json", "curves.png", "trajectories.png", "lr_sensitivity.png", "time_to_target.png" })
        {
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        }

        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        var before = File.ReadAllBytes(Path.Combine(output, "summary.json"));

        // Running again resumes (nothing left to do) and gives the same summary; so does 'descent report'.
        (code, text, _) = CliHarness.Run("compare", spec, "--out", output);
        Assert.Equal(0, code);
        Assert.Contains("resumed: 6 runs were already done, 0 executed now", text, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "summary.json")));
        (code, _, error) = CliHarness.Run("report", output);
        Assert.True(code == 0, error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "summary.json")));
    }
}
