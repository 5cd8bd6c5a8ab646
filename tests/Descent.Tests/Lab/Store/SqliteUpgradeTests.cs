using Descent.Lab.Runs;
using Descent.Lab.Store;
using Microsoft.Data.Sqlite;

namespace Descent.Tests.Lab.Store;

/// <summary>Issue 19: a SQLite store written before schema version 2 (no stopped status, no queue, no rungs) is upgraded in
/// place when opened, keeping its runs and metrics; the single-machine path needs nothing new.</summary>
public sealed class SqliteUpgradeTests
{
    private static string Database(TempDir dir) => $"Data Source={dir.Sub(RunStore.FileName)};Pooling=False";

    [Fact]
    public void AVersion1StoreIsUpgradedInPlaceWithItsRunsAndMetrics()
    {
        using var dir = new TempDir();
        using (var c = new SqliteConnection(Database(dir)))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = Version1;
            cmd.ExecuteNonQuery();
        }

        using var store = RunStore.OpenExisting(dir.Path);
        var run = Assert.Single(store.LoadRuns());
        Assert.Equal(("c#seed=0", RunStatus.Completed), (run.RunKey, run.Result.Status));
        Assert.Equal(2, run.Result.StepMetrics.Count);
        Assert.True(double.IsNaN(run.Result.StepMetrics[1].Value));
        Assert.Empty(store.RecordRung("c#seed=0", 1, 1.0)); // the new tables exist
        store.SaveRun(new Descent.Lab.Specs.RunDescriptor(
            new Descent.Lab.Specs.RunConfiguration(0, 0, "sgd", "sgd", [], null), 1),
            new RunResult(RunStatus.Stopped, "stopped", 1, 0.1, [], []), run.Environment);
        Assert.Contains(store.LoadRuns(), r => r.Result.Status == RunStatus.Stopped); // the new status is accepted
    }

    /// <summary>Version 1's schema and one run, as RunStore wrote them before issue 19.</summary>
    private const string Version1 = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE experiment(id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, fingerprint TEXT NOT NULL,
            spec_json TEXT NOT NULL, updated_utc TEXT NOT NULL);
        CREATE TABLE configurations(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, optimizer_index INTEGER NOT NULL,
            optimizer TEXT NOT NULL, label TEXT NOT NULL, hyperparameters TEXT NOT NULL, schedule TEXT);
        CREATE TABLE environments(id INTEGER PRIMARY KEY, descent_version TEXT NOT NULL, dotnet_version TEXT NOT NULL, os TEXT NOT NULL,
            cpu TEXT NOT NULL, cores INTEGER NOT NULL, simd_bits INTEGER NOT NULL, kernel_path TEXT NOT NULL,
            UNIQUE(descent_version, dotnet_version, os, cpu, cores, simd_bits, kernel_path));
        CREATE TABLE runs(id INTEGER PRIMARY KEY, run_key TEXT NOT NULL UNIQUE,
            configuration_id INTEGER NOT NULL REFERENCES configurations(id),
            seed INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('completed', 'diverged', 'failed')),
            message TEXT, steps INTEGER NOT NULL, seconds REAL NOT NULL,
            environment_id INTEGER NOT NULL REFERENCES environments(id), finished_utc TEXT NOT NULL);
        CREATE TABLE step_metrics(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, step INTEGER NOT NULL,
            value REAL, seconds REAL NOT NULL, PRIMARY KEY(run_id, name, step)) WITHOUT ROWID;
        CREATE TABLE epoch_metrics(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, epoch INTEGER NOT NULL,
            step INTEGER NOT NULL, value REAL, seconds REAL NOT NULL, PRIMARY KEY(run_id, name, epoch)) WITHOUT ROWID;
        CREATE TABLE leases(run_key TEXT PRIMARY KEY, claimed_by TEXT NOT NULL, lease_until INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO configurations VALUES (7, 'c', 0, 'sgd', 'sgd', '{}', NULL);
        INSERT INTO environments VALUES (3, 'v', '.NET', 'os', 'cpu', 2, 256, 'Auto');
        INSERT INTO runs VALUES (5, 'c#seed=0', 7, 0, 'completed', NULL, 2, 0.5, 3, '2026-01-01T00:00:00.000Z');
        INSERT INTO step_metrics VALUES (5, 'loss', 0, 2.0, 0.1), (5, 'loss', 1, NULL, 0.2);
        """;
}
