using Descent.Lab.PostgreSql;
using Descent.Lab.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Descent.Tests.Lab.Store;

/// <summary>A fresh, empty run store of one backend for a test: SQLite in a temporary folder, always; PostgreSQL in a
/// throwaway experiment (schema) of the server named by <c>DESCENT_TEST_POSTGRES</c> (a postgresql:// URL), dropped at the end.</summary>
internal sealed class StoreBackend : IDisposable
{
    /// <summary>The environment variable naming the PostgreSQL server of the tests.</summary>
    public const string Variable = "DESCENT_TEST_POSTGRES";

    private readonly TempDir? dir;

    public StoreBackend(string backend)
    {
        Backend = backend;
        if (backend == "sqlite")
        {
            dir = new TempDir();
        }
        else
        {
            Experiment = $"test-{Guid.NewGuid():N}";
        }
    }

    /// <summary>The PostgreSQL URL of the tests, or null when none is configured.</summary>
    public static string? PostgresUrl => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url : null;

    /// <summary>The backends to test: sqlite, and postgresql when <see cref="Variable"/> is set.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresUrl is not null)
        {
            data.Add("postgresql");
        }

        return data;
    }

    public string Backend { get; }

    /// <summary>The PostgreSQL experiment name (null for SQLite).</summary>
    public string? Experiment { get; }

    /// <summary>A new connection to the store (each call a separate connection, as a separate process would have).</summary>
    public IRunStore Open() => dir is not null ? RunStore.Open(dir.Path) : PostgresRunStore.Open(PostgresUrl!, Experiment!);

    /// <summary>Runs <paramref name="sql"/> directly on the store's database, outside the store.</summary>
    public void Raw(string sql)
    {
        if (dir is not null)
        {
            using var c = new SqliteConnection($"Data Source={Path.Combine(dir.Path, RunStore.FileName)};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        else
        {
            Postgres($"SET search_path TO {PostgresRunStore.SchemaName(Experiment!)}; {sql}");
        }
    }

    private static void Postgres(string sql)
    {
        using var c = new NpgsqlConnection(Descent.Lab.PostgreSql.PostgresUrl.Parse(PostgresUrl!).Builder.ConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (dir is not null)
        {
            SqliteConnection.ClearAllPools();
            dir.Dispose();
        }
        else
        {
            Postgres($"DROP SCHEMA IF EXISTS {PostgresRunStore.SchemaName(Experiment!)} CASCADE");
        }
    }
}
