using System.Collections.Concurrent;
using Descent.Lab;
using Descent.Lab.Analysis;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab.Store;

/// <summary>
/// Issue 19: the run store's contract, the same for both backends — SQLite always, PostgreSQL when
/// <c>DESCENT_TEST_POSTGRES</c> names a server (the rows are then added; otherwise <see cref="PostgresServerIsConfigured"/>
/// is skipped with the reason).
/// </summary>
public sealed class RunStoreContractTests
{
    public static TheoryData<string> Backends() => StoreBackend.All();

    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    private const string Json = """
        { "name": "contract", "task": { "kind": "rosenbrock" }, "budget": { "steps": 30 }, "seeds": [0, 1],
          "optimizers": [ { "name": "sgd", "lr": [0.0005, 0.001] }, { "name": "adam", "lr": [0.01, 0.05] } ] }
        """;

    private static ExperimentSpec Spec(string json = Json) => SpecParser.Parse(json, EngineCatalog.Instance);

    private static RunResult Result(RunStatus status, int seed) => new(status, status == RunStatus.Completed ? null : "why", 3, 0.5,
        [new MetricPoint("loss", 0, null, 2.0 + seed, 0.1), new MetricPoint("loss", 1, null, double.NaN, 0.2), new MetricPoint("loss", 1, null, 1.5, 0.3)],
        [new MetricPoint("val_loss", 3, 1, 0.25, 0.4)]);

    [PostgresFact]
    public void PostgresServerIsConfigured()
    {
        using var b = new StoreBackend("postgresql");
        using var store = b.Open();
        Assert.StartsWith("postgresql://", store.Location, StringComparison.Ordinal);
        Assert.Contains($"experiment '{b.Experiment}'", store.Location, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void RunsReadBackWithStatusMetricsAndNaN(string backend)
    {
        using var b = new StoreBackend(backend);
        var spec = Spec();
        var runs = spec.Runs();
        using (var store = b.Open())
        {
            store.SetExperiment(spec);
            store.SaveRun(runs[0], Result(RunStatus.Completed, 0), Env);
            store.SaveRun(runs[1], Result(RunStatus.Stopped, 1), Env);
            store.SaveRun(runs[2], Result(RunStatus.Failed, 0), Env);
            store.SaveRun(runs[2], Result(RunStatus.Diverged, 0), Env); // replaces the failed record
        }

        using var reopened = b.Open();
        Assert.Equal(Json, reopened.GetSpecJson());
        var loaded = reopened.LoadRuns();
        Assert.Equal(new[] { runs[0].Key, runs[1].Key, runs[2].Key }.Order(StringComparer.Ordinal), loaded.Select(r => r.RunKey));
        var first = loaded.Single(r => r.RunKey == runs[0].Key);
        Assert.Equal(RunStatus.Completed, first.Result.Status);
        Assert.Equal([2.0, 1.5], first.Result.StepMetrics.Select(m => m.Value)); // the second value at step 1 wins, as SQLite's replace
        Assert.Equal(0.25, first.Result.EpochMetrics.Single().Value);
        Assert.Equal(Env, first.Environment);
        Assert.Equal(RunStatus.Stopped, loaded.Single(r => r.RunKey == runs[1].Key).Result.Status);
        Assert.Equal(RunStatus.Diverged, loaded.Single(r => r.RunKey == runs[2].Key).Result.Status);
        Assert.Equal(new HashSet<string>([runs[0].Key, runs[1].Key, runs[2].Key]), reopened.DoneRunKeys().ToHashSet());
        Assert.Equal(runs.Skip(3).Select(r => r.Key), reopened.PendingRunKeys());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AStoreRefusesAnotherTaskOrBudget(string backend)
    {
        using var b = new StoreBackend(backend);
        using var store = b.Open();
        store.SetExperiment(Spec());
        var e = Assert.Throws<InvalidOperationException>(() => store.SetExperiment(Spec(Json.Replace("\"steps\": 30", "\"steps\": 31", StringComparison.Ordinal))));
        Assert.Contains("different task or budget", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ClaimNextTakesEachQueuedRunOnceAndReclaimsAnExpiredLease(string backend)
    {
        using var b = new StoreBackend(backend);
        var spec = Spec();
        var keys = spec.Runs().Select(r => r.Key).ToList();
        using var store = b.Open();
        using var other = b.Open();
        store.SetExperiment(spec);
        Assert.Equal(keys, store.PendingRunKeys());

        Assert.Equal(keys[0], store.ClaimNext("a", TimeSpan.FromMinutes(1), _ => true));
        Assert.Equal(keys[1], other.ClaimNext("b", TimeSpan.FromMilliseconds(500), _ => true));
        Assert.Equal(keys[3], other.ClaimNext("b", TimeSpan.FromMinutes(1), k => k != keys[2])); // not accepted: skipped
        Assert.False(other.TryClaim(keys[0], "b", TimeSpan.FromMinutes(1)));
        Thread.Sleep(600);
        Assert.Equal(keys[1], store.ClaimNext("a", TimeSpan.FromMinutes(1), _ => true)); // b's lease on it expired
        Assert.Equal("a", other.LeaseHolder(keys[1]));

        store.SaveRun(spec.Runs()[0], Result(RunStatus.Failed, 0), Env);
        Assert.DoesNotContain(keys[0], store.PendingRunKeys()); // a failed run is not taken by workers (a compare retries it)
        Assert.True(store.TryClaim(keys[0], "a", TimeSpan.FromMinutes(1)));
        store.ReleaseLeases("a");
        other.ReleaseLeases("b");
        Assert.Null(store.LeaseHolder(keys[1]));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ConcurrentClaimsTakeEveryRunExactlyOnce(string backend)
    {
        using var b = new StoreBackend(backend);
        var spec = Spec(Json.Replace("[0, 1]", "[0, 1, 2, 3, 4, 5, 6, 7]", StringComparison.Ordinal));
        using (var setup = b.Open())
        {
            setup.SetExperiment(spec);
        }

        var claimed = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
        {
            using var store = b.Open();
            while (store.ClaimNext($"worker-{i}", TimeSpan.FromMinutes(1), _ => true) is { } key)
            {
                claimed.Add(key);
            }
        })));

        Assert.Equal(spec.Runs().Select(r => r.Key).Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void RungsReturnTheValuesOtherRunsRecorded(string backend)
    {
        using var b = new StoreBackend(backend);
        using var store = b.Open();
        Assert.Empty(store.RecordRung("a", 3, 1.0));
        Assert.Equal([1.0], store.RecordRung("b", 3, 2.0));
        Assert.Empty(store.RecordRung("c", 9, 5.0));
        Assert.Equal([1.0, 2.0], store.RecordRung("c", 3, 0.5));
        Assert.Equal([2.0, 0.5], store.RecordRung("a", 3, 4.0)); // a rerun of a replaces its own value
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AStoreOfAnotherSchemaVersionIsRefusedAndLeftAlone(string backend)
    {
        using var b = new StoreBackend(backend);
        using (var store = b.Open())
        {
            store.SetExperiment(Spec());
        }

        b.Raw("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
        var e = Assert.Throws<RunStoreVersionException>(() => b.Open());
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", e.Message, StringComparison.Ordinal);
        b.Raw($"UPDATE meta SET value = '{SqlRunStore.SchemaVersion}' WHERE key = 'schema_version'");
        using var again = b.Open();
        Assert.Equal(Json, again.GetSpecJson());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TwoWorkersCompleteEveryRunOnceAndTheSummaryEqualsOneRunnersOnSqlite(string backend)
    {
        using var b = new StoreBackend(backend);
        var spec = Spec();
        using (var creator = b.Open())
        {
            creator.SetExperiment(spec);
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            using var store = b.Open();
            return ExperimentPipeline.Work(store, EngineCatalog.Instance, jobs: 2, pollInterval: TimeSpan.FromMilliseconds(20));
        })));
        Assert.Equal(spec.Runs().Count, outcomes.Sum(o => o.Executed));

        using var reference = new TempDir();
        var (_, expected) = ExperimentPipeline.Run(spec, reference.Sub("sqlite"), EngineCatalog.Instance, jobs: 1);
        using var shared = b.Open();
        using var output = new TempDir();
        var actual = ExperimentPipeline.Render(shared, output.Path, EngineCatalog.Instance);
        Assert.Equal(SummaryJson.Serialize(expected), SummaryJson.Serialize(actual));
        Assert.Empty(shared.PendingRunKeys());
    }
}
