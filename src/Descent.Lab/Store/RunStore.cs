using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Descent.Lab.Store;

/// <summary>
/// The embedded run store, the default: one SQLite database (<c>runs.db</c>) per experiment output folder, with the schema
/// and behaviour of <see cref="SqlRunStore"/>.
/// </summary>
/// <remarks>
/// <para>The database runs in WAL mode with a busy timeout, so readers never block the writer and several processes may
/// write to it. Runs in progress are leased (<see cref="SqlRunStore.TryClaim"/>, table <c>leases</c>), so several runners —
/// threads or processes — on one folder each execute a run only if nobody else is executing it; a lease renewed by a live
/// runner does not expire, one of a runner that died does, and the run is then taken over.</para>
/// <para>A store of schema version 1 (before runs could be stopped early) is upgraded in place when opened.</para>
/// </remarks>
public sealed class RunStore : SqlRunStore
{
    /// <summary>The database file name inside an output folder.</summary>
    public const string FileName = "runs.db";

    private RunStore(SqliteConnection connection, string path)
        : base(connection, path)
    {
        try
        {
            connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("PRAGMA busy_timeout=60000;");
            // Off while the schema is checked (an upgrade rebuilds the runs table, which must not cascade to the metrics).
            Execute("PRAGMA foreign_keys=OFF;");
            Initialize();
            Execute("PRAGMA foreign_keys=ON;");
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new IOException($"run store '{path}': {e.Message}", e);
        }
        catch (Exception)
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The database file.</summary>
    public string Path => Location;

    /// <summary>Opens (creating if needed) the store of an output folder.</summary>
    public static RunStore Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        return Create(System.IO.Path.Combine(directory, FileName));
    }

    /// <summary>Opens an existing store; throws <see cref="FileNotFoundException"/> when the folder has none.</summary>
    public static RunStore OpenExisting(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no run store '{FileName}' in '{directory}'; run 'descent compare' with --out {directory} first", path);
        }

        return Create(path);
    }

    private static RunStore Create(string path) => new(new SqliteConnection(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 60,
    }.ToString()), path);

    /// <inheritdoc />
    protected override string IdentityColumn => "INTEGER PRIMARY KEY";

    /// <inheritdoc />
    protected override string KeyedTableSuffix => " WITHOUT ROWID";

    /// <inheritdoc />
    protected override bool TableExists(string table, DbTransaction transaction)
    {
        using var cmd = Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @n", transaction);
        Add(cmd, "@n", table);
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>Version 1 → 2: the runs table gains the status <c>stopped</c> (SQLite cannot change a CHECK constraint, so the
    /// table is rebuilt with its rows and ids, the metrics keep pointing at them), and the queue and rungs tables are added.</summary>
    protected override bool Upgrade(int version, DbTransaction transaction)
    {
        if (version != 1)
        {
            return false;
        }

        Execute(RunsTableSql("runs_v2") +
                "INSERT INTO runs_v2 SELECT id, run_key, configuration_id, seed, status, message, steps, seconds, environment_id, finished_utc FROM runs;" +
                "DROP TABLE runs; ALTER TABLE runs_v2 RENAME TO runs;" +
                QueueAndRungsSql() +
                $"UPDATE meta SET value = '{SchemaVersion}' WHERE key = 'schema_version';", transaction);
        return true;
    }
}
