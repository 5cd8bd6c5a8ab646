using Descent.Lab.Analysis;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab;

/// <summary>Issue 15 in the lab: duplicate keys, the stored spec, failed-run messages, SQLite errors and
/// statistics whose assumptions fail.</summary>
public sealed class InputErrorTests
{
    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    private const string DuplicateOptimizerKey = """
        {"name":"dup","task":{"kind":"rosenbrock","start":[-1.2,1.0]},"budget":{"steps":50},"seeds":[0],
         "optimizers":[{"name":"adam","lr":0.01,"lr":0.02}]}
        """;

    [Fact]
    public void DuplicateKeysAreFoundAnywhereWithTheirJsonPaths()
    {
        Assert.Equal([new SpecError("$.optimizers[0].lr", "duplicate key \"lr\" (each key may appear once in an object)")],
            DuplicateKeys.Find(DuplicateOptimizerKey));
        var found = DuplicateKeys.Find("""
            { "name": "a", "seeds": [0, {"x": 1, "x": 2}], "name": "b", "task": { "kind": "beale", "kind": "saddle", "k\u0069nd": "x" },
              "optimizers": [ {}, { "name": "sgd", "schedule": { "type": "step", "type": "cosine" } } ], "odd key": 1, "odd key": 2 }
            """);
        Assert.Equal(
            ["$.seeds[1].x", "$.name", "$.task.kind", "$.task.kind", "$.optimizers[1].schedule.type", "$[\"odd key\"]"],
            found.Select(e => e.Path));
        Assert.Empty(DuplicateKeys.Find("""{ "a": { "b": 1 }, "c": { "b": 2 }, "d": [ { "b": 1 }, { "b": 2 } ] }"""));
        Assert.Empty(DuplicateKeys.Find("""{ "a": 1, "a" """)); // not JSON: left to the parser
    }

    [Fact]
    public void SpecParserRejectsADuplicateKeyBeforeAnyRun()
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(DuplicateOptimizerKey, new FakeCatalog()));
        Assert.Contains("$.optimizers[0].lr: duplicate key \"lr\"", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(
            """{"name":"a","name":"b","task":{"kind":"beale"},"budget":{"steps":5},"optimizers":[{"name":"sgd","lr":0.1}]}""", new FakeCatalog()));
        Assert.Contains("$.name: duplicate key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecIntegersTooLargeAreRangeErrors()
    {
        // Before: a seed of 99999999999 was reported as "must be ≥ 0", and one beyond 64 bits as "must be an integer".
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse("""
            {"name":"big","task":{"kind":"rosenbrock"},"budget":{"steps":99999999999999999999},"seeds":[99999999999, 1e30, 1.5],"optimizers":[{"name":"sgd","lr":0.1}]}
            """, new FakeCatalog()));
        Assert.Equal(
            ["$.budget.steps: must be in [1, 10000000]", "$.seeds[0]: must be at most 2147483647, got 99999999999",
             "$.seeds[1]: must be at most 2147483647, got 1e30", "$.seeds[2]: must be an integer, not 1.5"],
            e.Errors.Select(x => x.ToString()));
    }

    private static ExperimentSpec Spec(string name, string optimizers = """{ "name": "sgd", "lr": 0.01 }""") => SpecParser.Parse(
        $$"""{ "name": "{{name}}", "task": { "kind": "rosenbrock" }, "budget": { "steps": 3 }, "seeds": [0, 1], "optimizers": [ {{optimizers}} ] }""",
        new FakeCatalog());

    [Fact]
    public void AStoredSpecIsReplacedOnlyWhenCommitted()
    {
        using var dir = new TempDir();
        using var store = RunStore.Open(dir.Path);
        var first = Spec("first");
        store.SetExperiment(first);
        Assert.Equal(first.SourceJson, store.GetSpecJson()); // a new store records the spec at once
        var second = Spec("second");
        store.SetExperiment(second);
        Assert.Equal(first.SourceJson, store.GetSpecJson());
        store.CommitExperiment();
        Assert.Equal(second.SourceJson, store.GetSpecJson());
    }

    private sealed class FailingTask : LabTask
    {
        public override RunResult Run(RunContext context) =>
            throw new FileNotFoundException("digits-mlp: 'missing-dir/digits_train.csv' does not exist");
    }

    [Fact]
    public void AFailingCompareKeepsTheStoredSpecAndNamesNoExceptionType()
    {
        using var dir = new TempDir();
        var first = Spec("first");
        using var store = RunStore.Open(dir.Path);
        new ExperimentRunner(first, new FakeCatalog(), store) { Jobs = 1, Environment = Env }.Run();

        // Another optimizer whose runs all fail: the runs are stored as failed, the spec is not replaced.
        var second = Spec("second", """{ "name": "sgd", "lr": 0.01 }, { "name": "adam", "lr": 0.1 }""");
        var outcome = new ExperimentRunner(second, new FakeCatalog(), store, new FailingTask()) { Jobs = 1, Environment = Env }.Run();
        Assert.Equal(2, outcome.Failed.Count);
        Assert.All(outcome.Failed, f => Assert.EndsWith(": digits-mlp: 'missing-dir/digits_train.csv' does not exist", f, StringComparison.Ordinal));
        Assert.All(outcome.Failed, f => Assert.DoesNotContain("Exception", f, StringComparison.Ordinal));
        Assert.Equal(first.SourceJson, store.GetSpecJson());
    }

    [Fact]
    public void SqliteErrorsNameTheDatabaseFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub(RunStore.FileName), "this is not a SQLite database, but it is long enough to be read as one...........");
        var e = Assert.Throws<IOException>(() => RunStore.OpenExisting(dir.Path));
        Assert.Contains($"run store '{dir.Sub(RunStore.FileName)}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroVarianceResultsAreReportedAsDeterministicWithoutATest()
    {
        var spec = SpecParser.Parse("""
            { "name": "det", "task": { "kind": "rosenbrock" }, "budget": { "steps": 2 }, "seeds": [0, 1, 2],
              "optimizers": [ { "name": "sgd", "lr": 0.1 }, { "name": "adam", "lr": 0.01 } ] }
            """, new FakeCatalog());
        static RunResult Final(double v) => new(RunStatus.Completed, null, 2, 0.1, [new("loss", 0, null, 1, 0), new("loss", 2, null, v, 0)], []);
        double[] finals = [2e-10, 2e-10, 2e-10, 1.57e-10, 1.57e-10, 1.57e-10];
        var runs = spec.Runs().Select((r, i) => new StoredRun(r.Key, r.Configuration.Key, r.Configuration.Label, r.Configuration.Optimizer, r.Seed,
            Final(finals[i]), Env, "t")).ToList();
        var (s, _) = Analyzer.Analyze(spec, runs);
        var c = Assert.Single(s.Comparisons);
        Assert.Equal(Comparison.Deterministic, c.Test);
        Assert.Null(c.P);
        Assert.Null(c.T);
        Assert.Null(c.HalfWidth95);
        Assert.False(c.Significant);
        Assert.Equal(1.0, c.Difference!.Value / (1.57e-10 - 2e-10), 12);
        Assert.Contains("adam's final loss is lower by 4.3e-11 (deterministic: every seed gives the same result", s.Verdict, StringComparison.Ordinal);
        Assert.DoesNotContain("Welch", s.Verdict, StringComparison.Ordinal);
        Assert.DoesNotContain("significant", s.Verdict, StringComparison.Ordinal);

        // One side varying: Welch's test applies (its variance is the whole standard error).
        finals[0] = 3e-10;
        runs = [.. spec.Runs().Select((r, i) => new StoredRun(r.Key, r.Configuration.Key, r.Configuration.Label, r.Configuration.Optimizer, r.Seed,
            Final(finals[i]), Env, "t"))];
        c = Assert.Single(Analyzer.Analyze(spec, runs).Summary.Comparisons);
        Assert.Equal(Comparison.Welch, c.Test);
        Assert.NotNull(c.P);

        // One seed: too few values for any test.
        var single = SpecParser.Parse(spec.SourceJson.Replace("[0, 1, 2]", "[0]", StringComparison.Ordinal), new FakeCatalog());
        runs = [.. single.Runs().Select((r, i) => new StoredRun(r.Key, r.Configuration.Key, r.Configuration.Label, r.Configuration.Optimizer, r.Seed,
            Final(i == 0 ? 2e-10 : 1e-10), Env, "t"))];
        var (one, _) = Analyzer.Analyze(single, runs);
        Assert.Equal(Comparison.TooFewValues, Assert.Single(one.Comparisons).Test);
        Assert.Contains("(too few seeds for a significance test)", one.Verdict, StringComparison.Ordinal);
    }
}
