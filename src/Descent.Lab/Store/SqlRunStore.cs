using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Lab.Store;

/// <summary>
/// The run store's one schema and its SQL, over any ADO.NET connection: the backends (<see cref="RunStore"/> on SQLite,
/// <c>PostgresRunStore</c> on PostgreSQL) only open the connection and supply the few dialect differences (identity
/// columns, row locking, bulk metric writes, table lookup).
/// </summary>
/// <remarks>
/// <para>Schema version <see cref="SchemaVersion"/> (table <c>meta</c>, key <c>schema_version</c>): a store of another
/// version is refused with a <see cref="RunStoreVersionException"/> before anything is written (a SQLite store of version 1,
/// written before runs could be stopped early, is upgraded in place). Tables: <c>experiment</c> (the spec, one row),
/// <c>configurations</c>, <c>environments</c>, <c>runs</c> (status completed, diverged, stopped or failed),
/// <c>step_metrics</c>, <c>epoch_metrics</c>, <c>queue</c> (every run of the experiment, in spec order), <c>leases</c>
/// (run key, owner, expiry in Unix milliseconds) and <c>rungs</c> (early-stopping values).</para>
/// <para>A run is written in one transaction when it finishes, so a crash loses at most the runs in flight. NaN metric
/// values are stored as NULL and read back as NaN. Within a process the store's calls are serialized by a lock.</para>
/// </remarks>
public abstract class SqlRunStore : IRunStore
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int SchemaVersion = 2;

    private readonly Lock gate = new();
    private ExperimentSpec? pending;

    /// <summary>Wraps an open <paramref name="connection"/>; the derived constructor then calls <see cref="Initialize"/>.</summary>
    protected SqlRunStore(DbConnection connection, string location)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Location = location ?? throw new ArgumentNullException(nameof(location));
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <summary>The open connection.</summary>
    protected DbConnection Connection { get; }

    /// <summary>The column definition of a generated 64-bit primary key.</summary>
    protected abstract string IdentityColumn { get; }

    /// <summary>Appended to the <c>SELECT</c> that picks the next queued run (table alias <c>q</c>): a row lock that other
    /// workers skip, where the database has one.</summary>
    protected virtual string SkipLockedClause => string.Empty;

    /// <summary>Appended to the definition of tables keyed by their primary key alone (SQLite's <c>WITHOUT ROWID</c>).</summary>
    protected virtual string KeyedTableSuffix => string.Empty;

    /// <summary>Whether the store's namespace holds table <paramref name="table"/>.</summary>
    protected abstract bool TableExists(string table, DbTransaction transaction);

    /// <summary>Called first in the transaction that checks and creates the schema (PostgreSQL takes a lock there, so two
    /// processes creating one store do not collide).</summary>
    protected virtual void BeforeSchema(DbTransaction transaction)
    {
    }

    /// <summary>Upgrades a store of schema <paramref name="version"/> in place; false when this backend cannot (the store is
    /// then refused).</summary>
    protected virtual bool Upgrade(int version, DbTransaction transaction) => false;

    /// <summary>Checks the schema version and creates the schema of a new store. Call once from the derived constructor.</summary>
    protected void Initialize() => Named(() =>
    {
        lock (gate)
        {
            using var tx = Connection.BeginTransaction();
            BeforeSchema(tx);
            int? version = null;
            if (TableExists("meta", tx))
            {
                using var read = Command("SELECT value FROM meta WHERE key = 'schema_version'", tx);
                version = read.ExecuteScalar() is string v && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;
            }

            if (version is null)
            {
                Execute(SchemaSql(), tx);
                using var cmd = Command("INSERT INTO meta(key, value) VALUES ('schema_version', @v)", tx);
                Add(cmd, "@v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
                cmd.ExecuteNonQuery();
            }
            else if (version != SchemaVersion && !Upgrade(version.Value, tx))
            {
                throw new RunStoreVersionException(Location, version.Value, SchemaVersion);
            }

            tx.Commit();
            return 0;
        }
    });

    /// <summary>The definition of the <c>runs</c> table under <paramref name="name"/>.</summary>
    protected string RunsTableSql(string name) => $"""
        CREATE TABLE {name}(
            id {IdentityColumn}, run_key TEXT NOT NULL UNIQUE,
            configuration_id BIGINT NOT NULL REFERENCES configurations(id),
            seed INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('completed', 'diverged', 'stopped', 'failed')),
            message TEXT, steps INTEGER NOT NULL, seconds DOUBLE PRECISION NOT NULL,
            environment_id BIGINT NOT NULL REFERENCES environments(id), finished_utc TEXT NOT NULL);
        """;

    /// <summary>The tables added by schema version 2 (the queue and the early-stopping rungs).</summary>
    protected string QueueAndRungsSql() => $"""
        CREATE TABLE queue(run_key TEXT PRIMARY KEY, position BIGINT NOT NULL){KeyedTableSuffix};
        CREATE TABLE rungs(
            run_key TEXT NOT NULL, rung INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_key, rung)){KeyedTableSuffix};
        """;

    private string SchemaSql() => $"""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE experiment(
            id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, fingerprint TEXT NOT NULL,
            spec_json TEXT NOT NULL, updated_utc TEXT NOT NULL);
        CREATE TABLE configurations(
            id {IdentityColumn}, key TEXT NOT NULL UNIQUE, optimizer_index INTEGER NOT NULL,
            optimizer TEXT NOT NULL, label TEXT NOT NULL, hyperparameters TEXT NOT NULL, schedule TEXT);
        CREATE TABLE environments(
            id {IdentityColumn}, descent_version TEXT NOT NULL, dotnet_version TEXT NOT NULL, os TEXT NOT NULL,
            cpu TEXT NOT NULL, cores INTEGER NOT NULL, simd_bits INTEGER NOT NULL, kernel_path TEXT NOT NULL,
            UNIQUE(descent_version, dotnet_version, os, cpu, cores, simd_bits, kernel_path));
        {RunsTableSql("runs")}
        CREATE TABLE step_metrics(
            run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, step INTEGER NOT NULL,
            value DOUBLE PRECISION, seconds DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_id, name, step)){KeyedTableSuffix};
        CREATE TABLE epoch_metrics(
            run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, epoch INTEGER NOT NULL,
            step INTEGER NOT NULL, value DOUBLE PRECISION, seconds DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_id, name, epoch)){KeyedTableSuffix};
        CREATE TABLE leases(run_key TEXT PRIMARY KEY, claimed_by TEXT NOT NULL, lease_until BIGINT NOT NULL){KeyedTableSuffix};
        {QueueAndRungsSql()}
        """;

    /// <summary>
    /// Records the experiment and queues its runs. A store holds one experiment: if it already holds runs of a different
    /// task or budget, this throws <see cref="InvalidOperationException"/> (their results would not be comparable). Adding
    /// optimizers, learning rates or seeds to the same experiment is allowed.
    /// </summary>
    /// <remarks>A new store records <paramref name="spec"/> at once. A store that already holds a spec keeps it until
    /// <see cref="CommitExperiment"/> (called by the runner when every run of the invocation succeeded), so a compare that
    /// fails or is interrupted never replaces the spec the report is rendered from.</remarks>
    public void SetExperiment(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Named(() => SetExperimentCore(spec));
    }

    private bool SetExperimentCore(ExperimentSpec spec)
    {
        var fingerprint = Fingerprint(spec);
        lock (gate)
        {
            using var tx = Connection.BeginTransaction();
            var created = false;
            using (var read = Command("SELECT fingerprint, name FROM experiment WHERE id = 1", tx))
            using (var r = read.ExecuteReader())
            {
                if (r.Read())
                {
                    if (r.GetString(0) != fingerprint)
                    {
                        throw new InvalidOperationException(
                            $"'{Location}' holds runs of experiment '{r.GetString(1)}' with a different task or budget " +
                            $"({r.GetString(0)}; this spec: {fingerprint}); use another output folder or store");
                    }

                    pending = spec;
                }
                else
                {
                    created = true;
                }
            }

            if (created)
            {
                WriteExperiment(spec, fingerprint, tx);
            }

            using (var queue = Command("INSERT INTO queue(run_key, position) VALUES (@k, @p) ON CONFLICT(run_key) DO NOTHING", tx))
            {
                var key = Add(queue, "@k", string.Empty);
                var position = Add(queue, "@p", 0L);
                queue.Prepare();
                var runs = spec.Runs();
                for (var i = 0; i < runs.Count; i++)
                {
                    key.Value = runs[i].Key;
                    position.Value = (long)i;
                    queue.ExecuteNonQuery();
                }
            }

            tx.Commit();
            return created;
        }
    }

    /// <inheritdoc />
    public void CommitExperiment() => Named(() =>
    {
        lock (gate)
        {
            if (pending is { } spec)
            {
                using var tx = Connection.BeginTransaction();
                WriteExperiment(spec, Fingerprint(spec), tx);
                tx.Commit();
                pending = null;
            }

            return 0;
        }
    });

    private void WriteExperiment(ExperimentSpec spec, string fingerprint, DbTransaction tx)
    {
        using var write = Command(
            "INSERT INTO experiment(id, name, fingerprint, spec_json, updated_utc) VALUES (1, @n, @f, @s, @u) " +
            "ON CONFLICT(id) DO UPDATE SET name = @n, spec_json = @s, updated_utc = @u", tx);
        Add(write, "@n", spec.Name);
        Add(write, "@f", fingerprint);
        Add(write, "@s", spec.SourceJson);
        Add(write, "@u", Now());
        write.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public string? GetSpecJson() => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("SELECT spec_json FROM experiment WHERE id = 1");
            return cmd.ExecuteScalar() as string;
        }
    });

    /// <inheritdoc />
    public bool IsSettled(string runKey, DateTime since) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command($"SELECT 1 FROM runs WHERE run_key = @k AND (status IN ({DoneStatuses}) OR finished_utc >= @since)");
            Add(cmd, "@k", runKey);
            Add(cmd, "@since", Utc(since));
            return cmd.ExecuteScalar() is not null;
        }
    });

    /// <inheritdoc />
    public IReadOnlySet<string> DoneRunKeys() => Named<IReadOnlySet<string>>(() =>
    {
        lock (gate)
        {
            using var cmd = Command($"SELECT run_key FROM runs WHERE status IN ({DoneStatuses})");
            return ReadKeys(cmd).ToHashSet(StringComparer.Ordinal);
        }
    });

    /// <inheritdoc />
    public IReadOnlyList<string> PendingRunKeys() => Named<IReadOnlyList<string>>(() =>
    {
        lock (gate)
        {
            using var cmd = Command("SELECT q.run_key FROM queue q WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_key = q.run_key) ORDER BY q.position, q.run_key");
            return ReadKeys(cmd);
        }
    });

    /// <inheritdoc />
    public void SaveRun(RunDescriptor run, RunResult result, EnvironmentInfo environment)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        Named(() =>
        {
            lock (gate)
            {
                using var tx = Connection.BeginTransaction();
                var configId = UpsertConfiguration(run.Configuration, tx);
                var envId = UpsertEnvironment(environment, tx);
                foreach (var table in (string[])["runs", "leases"])
                {
                    using var del = Command($"DELETE FROM {table} WHERE run_key = @k", tx);
                    Add(del, "@k", run.Key);
                    del.ExecuteNonQuery();
                }

                long runId;
                using (var ins = Command(
                           "INSERT INTO runs(run_key, configuration_id, seed, status, message, steps, seconds, environment_id, finished_utc) " +
                           "VALUES (@k, @c, @s, @st, @m, @n, @sec, @e, @f) RETURNING id", tx))
                {
                    Add(ins, "@k", run.Key);
                    Add(ins, "@c", configId);
                    Add(ins, "@s", run.Seed);
                    Add(ins, "@st", StatusText(result.Status));
                    Add(ins, "@m", (object?)result.Message ?? DBNull.Value);
                    Add(ins, "@n", result.Steps);
                    Add(ins, "@sec", result.Seconds);
                    Add(ins, "@e", envId);
                    Add(ins, "@f", Now());
                    runId = Convert.ToInt64(ins.ExecuteScalar()!, CultureInfo.InvariantCulture);
                }

                WriteMetrics("step_metrics", runId, Distinct(result.StepMetrics, p => p.Step), tx);
                WriteMetrics("epoch_metrics", runId, Distinct(result.EpochMetrics, p => p.Epoch ?? 0), tx);
                tx.Commit();
                return 0;
            }
        });
    }

    /// <summary>The points of <paramref name="points"/> with distinct name and key, the last of each (a task that records a
    /// metric twice at one step keeps the second value).</summary>
    private static List<MetricPoint> Distinct(IReadOnlyList<MetricPoint> points, Func<MetricPoint, int> key)
    {
        var index = new Dictionary<(string, int), int>();
        var list = new List<MetricPoint>(points.Count);
        foreach (var p in points)
        {
            if (index.TryGetValue((p.Name, key(p)), out var i))
            {
                list[i] = p;
            }
            else
            {
                index[(p.Name, key(p))] = list.Count;
                list.Add(p);
            }
        }

        return list;
    }

    /// <summary>Inserts a run's metric points (distinct per name and step, or name and epoch) into <paramref name="table"/>
    /// (<c>step_metrics</c> or <c>epoch_metrics</c>) inside <paramref name="transaction"/>: one prepared statement per point
    /// unless the backend has a bulk path.</summary>
    protected virtual void WriteMetrics(string table, long runId, IReadOnlyList<MetricPoint> points, DbTransaction transaction)
    {
        if (points.Count == 0)
        {
            return;
        }

        var epoch = table == "epoch_metrics";
        using var cmd = Command(epoch
            ? $"INSERT INTO {table}(run_id, name, epoch, step, value, seconds) VALUES (@r, @n, @e, @s, @v, @t)"
            : $"INSERT INTO {table}(run_id, name, step, value, seconds) VALUES (@r, @n, @s, @v, @t)", transaction);
        Add(cmd, "@r", runId);
        var pn = Add(cmd, "@n", string.Empty);
        var pe = epoch ? Add(cmd, "@e", 0) : null;
        var ps = Add(cmd, "@s", 0);
        var pv = Add(cmd, "@v", 0.0);
        var pt = Add(cmd, "@t", 0.0);
        cmd.Prepare();
        foreach (var p in points)
        {
            pn.Value = p.Name;
            if (pe is not null)
            {
                pe.Value = p.Epoch ?? 0;
            }

            ps.Value = p.Step;
            pv.Value = double.IsNaN(p.Value) ? DBNull.Value : p.Value;
            pt.Value = p.Seconds;
            cmd.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public bool TryClaim(string runKey, string owner, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(runKey);
        ArgumentNullException.ThrowIfNull(owner);
        return Named(() =>
        {
            lock (gate)
            {
                var now = NowMs();
                using var cmd = Command($"""
                    INSERT INTO leases(run_key, claimed_by, lease_until)
                    SELECT @k, @o, @u WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_key = @k AND status IN ({DoneStatuses}))
                    ON CONFLICT(run_key) DO UPDATE SET claimed_by = excluded.claimed_by, lease_until = excluded.lease_until
                    WHERE leases.lease_until < @now OR leases.claimed_by = excluded.claimed_by
                    """);
                Add(cmd, "@k", runKey);
                Add(cmd, "@o", owner);
                Add(cmd, "@u", now + (long)lease.TotalMilliseconds);
                Add(cmd, "@now", now);
                return cmd.ExecuteNonQuery() == 1;
            }
        });
    }

    /// <inheritdoc />
    public string? ClaimNext(string owner, TimeSpan lease, Func<string, bool> accept)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(accept);
        return Named(() =>
        {
            lock (gate)
            {
                using var tx = Connection.BeginTransaction();
                var now = NowMs();
                var after = -1L;
                while (true)
                {
                    string key;
                    using (var select = Command(
                               "SELECT q.run_key, q.position FROM queue q WHERE q.position > @p " +
                               "AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_key = q.run_key) " +
                               "AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.run_key = q.run_key AND l.lease_until >= @now) " +
                               "ORDER BY q.position LIMIT 1" + SkipLockedClause, tx))
                    {
                        Add(select, "@p", after);
                        Add(select, "@now", now);
                        using var r = select.ExecuteReader();
                        if (!r.Read())
                        {
                            r.Close();
                            tx.Commit();
                            return null;
                        }

                        key = r.GetString(0);
                        after = r.GetInt64(1);
                    }

                    if (!accept(key))
                    {
                        continue;
                    }

                    using var claim = Command(
                        "INSERT INTO leases(run_key, claimed_by, lease_until) VALUES (@k, @o, @u) " +
                        "ON CONFLICT(run_key) DO UPDATE SET claimed_by = excluded.claimed_by, lease_until = excluded.lease_until " +
                        "WHERE leases.lease_until < @now", tx);
                    Add(claim, "@k", key);
                    Add(claim, "@o", owner);
                    Add(claim, "@u", now + (long)lease.TotalMilliseconds);
                    Add(claim, "@now", now);
                    if (claim.ExecuteNonQuery() == 1)
                    {
                        tx.Commit();
                        return key;
                    }
                }
            }
        });
    }

    /// <inheritdoc />
    public string? LeaseHolder(string runKey)
    {
        ArgumentNullException.ThrowIfNull(runKey);
        return Named(() =>
        {
            lock (gate)
            {
                using var cmd = Command("SELECT claimed_by FROM leases WHERE run_key = @k AND lease_until >= @now");
                Add(cmd, "@k", runKey);
                Add(cmd, "@now", NowMs());
                return cmd.ExecuteScalar() as string;
            }
        });
    }

    /// <inheritdoc />
    public bool TakeOver(string runKey, string holder, string owner, TimeSpan lease) =>
        Update("UPDATE leases SET claimed_by = @o, lease_until = @u WHERE run_key = @k AND claimed_by = @h",
            ("@k", runKey), ("@h", holder), ("@o", owner), ("@u", NowMs() + (long)lease.TotalMilliseconds)) == 1;

    /// <inheritdoc />
    public void RenewLeases(string owner, TimeSpan lease) =>
        Update("UPDATE leases SET lease_until = @u WHERE claimed_by = @o", ("@o", owner), ("@u", NowMs() + (long)lease.TotalMilliseconds));

    /// <inheritdoc />
    public void ReleaseLease(string runKey, string owner) =>
        Update("DELETE FROM leases WHERE run_key = @k AND claimed_by = @o", ("@k", runKey), ("@o", owner));

    /// <inheritdoc />
    public void ReleaseLeases(string owner) => Update("DELETE FROM leases WHERE claimed_by = @o", ("@o", owner));

    /// <inheritdoc />
    public IReadOnlyList<double> RecordRung(string runKey, int rung, double value)
    {
        ArgumentNullException.ThrowIfNull(runKey);
        return Named<IReadOnlyList<double>>(() =>
        {
            lock (gate)
            {
                using var tx = Connection.BeginTransaction();
                var others = new List<double>();
                using (var read = Command("SELECT value FROM rungs WHERE rung = @r AND run_key <> @k ORDER BY run_key", tx))
                {
                    Add(read, "@r", rung);
                    Add(read, "@k", runKey);
                    using var r = read.ExecuteReader();
                    while (r.Read())
                    {
                        others.Add(r.GetDouble(0));
                    }
                }

                using (var write = Command(
                           "INSERT INTO rungs(run_key, rung, value) VALUES (@k, @r, @v) ON CONFLICT(run_key, rung) DO UPDATE SET value = excluded.value", tx))
                {
                    Add(write, "@k", runKey);
                    Add(write, "@r", rung);
                    Add(write, "@v", value);
                    write.ExecuteNonQuery();
                }

                tx.Commit();
                return others;
            }
        });
    }

    /// <summary>Every stored run with its metrics, ordered by run key (ordinal).</summary>
    public IReadOnlyList<StoredRun> LoadRuns() => Named<IReadOnlyList<StoredRun>>(() =>
    {
        lock (gate)
        {
            var runs = new List<(long Id, string Key, string ConfigKey, string Label, string Optimizer, int Seed, RunStatus Status, string? Message, int Steps, double Seconds, EnvironmentInfo Env, string Finished)>();
            using (var cmd = Command(
                       "SELECT r.id, r.run_key, c.key, c.label, c.optimizer, r.seed, r.status, r.message, r.steps, r.seconds, " +
                       "e.descent_version, e.dotnet_version, e.os, e.cpu, e.cores, e.simd_bits, e.kernel_path, r.finished_utc " +
                       "FROM runs r JOIN configurations c ON c.id = r.configuration_id JOIN environments e ON e.id = r.environment_id " +
                       "ORDER BY r.run_key"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    runs.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                        ParseStatus(r.GetString(6)), r.IsDBNull(7) ? null : r.GetString(7), r.GetInt32(8), r.GetDouble(9),
                        new EnvironmentInfo(r.GetString(10), r.GetString(11), r.GetString(12), r.GetString(13), r.GetInt32(14), r.GetInt32(15), r.GetString(16)),
                        r.GetString(17)));
                }
            }

            var steps = LoadMetrics("step_metrics", "NULL");
            var epochs = LoadMetrics("epoch_metrics", "epoch");
            runs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key)); // the database's collation may order text otherwise
            return [.. runs.Select(x => new StoredRun(x.Key, x.ConfigKey, x.Label, x.Optimizer, x.Seed,
                new RunResult(x.Status, x.Message, x.Steps, x.Seconds,
                    steps.TryGetValue(x.Id, out var s) ? s : [],
                    epochs.TryGetValue(x.Id, out var e) ? e : []),
                x.Env, x.Finished))];
        }
    });

    /// <inheritdoc />
    public void ExportCsv(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var runs = LoadRuns();
        var sb = new StringBuilder("run_key,label,optimizer,configuration,seed,status,steps,seconds,message\n");
        foreach (var r in runs)
        {
            sb.Append(Csv(r.RunKey)).Append(',').Append(Csv(r.Label)).Append(',').Append(Csv(r.Optimizer)).Append(',')
              .Append(Csv(r.ConfigurationKey)).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(StatusText(r.Result.Status)).Append(',').Append(r.Result.Steps.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Num(r.Result.Seconds)).Append(',').Append(Csv(r.Result.Message ?? "")).Append('\n');
        }

        File.WriteAllText(System.IO.Path.Combine(directory, "runs.csv"), sb.ToString());
        using var w = new StreamWriter(System.IO.Path.Combine(directory, "metrics.csv"), false, new UTF8Encoding(false));
        w.Write("run_key,label,seed,kind,epoch,step,name,value,seconds\n");
        foreach (var r in runs)
        {
            foreach (var m in r.Result.StepMetrics.Concat(r.Result.EpochMetrics))
            {
                w.Write($"{Csv(r.RunKey)},{Csv(r.Label)},{r.Seed.ToString(CultureInfo.InvariantCulture)},{(m.Epoch is null ? "step" : "epoch")}," +
                        $"{m.Epoch?.ToString(CultureInfo.InvariantCulture) ?? ""},{m.Step.ToString(CultureInfo.InvariantCulture)},{Csv(m.Name)},{Num(m.Value)},{Num(m.Seconds)}\n");
            }
        }
    }

    /// <inheritdoc />
    public void ExportJson(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var runs = LoadRuns();
        using var stream = File.Create(System.IO.Path.Combine(directory, "runs.json"));
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        var spec = GetSpecJson();
        if (spec is not null)
        {
            w.WritePropertyName("spec");
            using var doc = JsonDocument.Parse(spec, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            doc.RootElement.WriteTo(w);
        }

        w.WriteStartArray("runs");
        foreach (var r in runs)
        {
            w.WriteStartObject();
            w.WriteString("run_key", r.RunKey);
            w.WriteString("label", r.Label);
            w.WriteString("optimizer", r.Optimizer);
            w.WriteString("configuration", r.ConfigurationKey);
            w.WriteNumber("seed", r.Seed);
            w.WriteString("status", StatusText(r.Result.Status));
            if (r.Result.Message is not null)
            {
                w.WriteString("message", r.Result.Message);
            }

            w.WriteNumber("steps", r.Result.Steps);
            w.WriteNumber("seconds", r.Result.Seconds);
            w.WriteString("finished_utc", r.FinishedUtc);
            w.WritePropertyName("environment");
            JsonSerializer.Serialize(w, r.Environment);
            WriteMetricsJson(w, "step_metrics", r.Result.StepMetrics);
            WriteMetricsJson(w, "epoch_metrics", r.Result.EpochMetrics);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the connection when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }

    private static void WriteMetricsJson(Utf8JsonWriter w, string name, IReadOnlyList<MetricPoint> points)
    {
        w.WriteStartObject(name);
        foreach (var g in points.GroupBy(p => p.Name))
        {
            w.WriteStartObject(g.Key);
            w.WriteStartArray("step");
            foreach (var p in g)
            {
                w.WriteNumberValue(p.Step);
            }

            w.WriteEndArray();
            w.WriteStartArray("value");
            foreach (var p in g)
            {
                if (double.IsFinite(p.Value))
                {
                    w.WriteNumberValue(p.Value);
                }
                else
                {
                    w.WriteNullValue();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private Dictionary<long, List<MetricPoint>> LoadMetrics(string table, string epochColumn)
    {
        var map = new Dictionary<long, List<MetricPoint>>();
        using var cmd = Command($"SELECT run_id, name, step, {epochColumn}, value, seconds FROM {table} ORDER BY run_id, name, step");
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var id = r.GetInt64(0);
            if (!map.TryGetValue(id, out var list))
            {
                map[id] = list = [];
            }

            list.Add(new MetricPoint(r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                r.IsDBNull(4) ? double.NaN : r.GetDouble(4), r.GetDouble(5)));
        }

        return map;
    }

    private long UpsertConfiguration(RunConfiguration c, DbTransaction tx)
    {
        using (var ins = Command(
                   "INSERT INTO configurations(key, optimizer_index, optimizer, label, hyperparameters, schedule) VALUES (@k, @i, @o, @l, @h, @s) " +
                   "ON CONFLICT DO NOTHING", tx))
        {
            Add(ins, "@k", c.Key);
            Add(ins, "@i", c.OptimizerIndex);
            Add(ins, "@o", c.Optimizer);
            Add(ins, "@l", c.Label);
            Add(ins, "@h", JsonSerializer.Serialize(c.Hyperparameters.ToDictionary(h => h.Key, h => h.Value.ToString())));
            Add(ins, "@s", (object?)c.Schedule?.ToString() ?? DBNull.Value);
            ins.ExecuteNonQuery();
        }

        using var sel = Command("SELECT id FROM configurations WHERE key = @k", tx);
        Add(sel, "@k", c.Key);
        return Convert.ToInt64(sel.ExecuteScalar()!, CultureInfo.InvariantCulture);
    }

    private long UpsertEnvironment(EnvironmentInfo e, DbTransaction tx)
    {
        const string Columns = "descent_version, dotnet_version, os, cpu, cores, simd_bits, kernel_path";
        using (var ins = Command($"INSERT INTO environments({Columns}) VALUES (@a, @b, @c, @d, @e, @f, @g) ON CONFLICT DO NOTHING", tx))
        {
            AddEnvironment(ins, e);
            ins.ExecuteNonQuery();
        }

        using var sel = Command(
            "SELECT id FROM environments WHERE descent_version = @a AND dotnet_version = @b AND os = @c AND cpu = @d " +
            "AND cores = @e AND simd_bits = @f AND kernel_path = @g", tx);
        AddEnvironment(sel, e);
        return Convert.ToInt64(sel.ExecuteScalar()!, CultureInfo.InvariantCulture);
    }

    private static void AddEnvironment(DbCommand cmd, EnvironmentInfo e)
    {
        Add(cmd, "@a", e.DescentVersion);
        Add(cmd, "@b", e.DotnetVersion);
        Add(cmd, "@c", e.Os);
        Add(cmd, "@d", e.Cpu);
        Add(cmd, "@e", e.Cores);
        Add(cmd, "@f", e.SimdBits);
        Add(cmd, "@g", e.KernelPath);
    }

    /// <summary>What must not change between runs stored together: task and budget. A kind's own settings are appended
    /// by the kind (<see cref="Tasks.ILabTask.Fingerprint"/>), so stores of kinds written before other kinds gained
    /// settings still resume. Ranks above 1 (<see cref="ExperimentSpec.Ranks"/>) change results to rounding, so they are
    /// appended too (<c> ranks=N</c>); 1, the default, adds nothing, so stores written before ranks existed still resume.</summary>
    internal static string Fingerprint(ExperimentSpec spec)
    {
        var t = spec.Task;
        var start = t.Start is null ? "default" : string.Join(",", t.Start.Select(HyperparameterValue.FormatNumber));
        return $"task={t.Kind} hidden={string.Join("x", t.Hidden)} batch={t.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "default"} " +
               $"start={start} noise={HyperparameterValue.FormatNumber(t.Noise)} l2={HyperparameterValue.FormatNumber(t.L2)} " +
               $"data={t.Data ?? "builtin"} samples={t.Samples.ToString(CultureInfo.InvariantCulture)} " +
               $"epochs={spec.Budget.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "-"} steps={spec.Budget.Steps?.ToString(CultureInfo.InvariantCulture) ?? "-"}" +
               t.Definition.Fingerprint(t) +
               (spec.Ranks > 1 ? $" ranks={spec.Ranks.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
    }

    /// <summary>The statuses of runs that are done (not rerun): completed, diverged, stopped early.</summary>
    private const string DoneStatuses = "'completed', 'diverged', 'stopped'";

    private static string StatusText(RunStatus s) => s switch
    {
        RunStatus.Completed => "completed",
        RunStatus.Diverged => "diverged",
        RunStatus.Stopped => "stopped",
        _ => "failed",
    };

    private static RunStatus ParseStatus(string s) => s switch
    {
        "completed" => RunStatus.Completed,
        "diverged" => RunStatus.Diverged,
        "stopped" => RunStatus.Stopped,
        _ => RunStatus.Failed,
    };

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static string Now() => Utc(DateTime.UtcNow);

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;

    /// <summary>Runs <paramref name="body"/>; a database error becomes an <see cref="IOException"/> naming the store.</summary>
    protected T Named<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (DbException e)
        {
            throw new IOException($"run store '{Location}': {e.Message}", e);
        }
    }

    private int Update(string sql, params (string Name, object Value)[] parameters) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command(sql);
            foreach (var (name, value) in parameters)
            {
                Add(cmd, name, value);
            }

            return cmd.ExecuteNonQuery();
        }
    });

    private static List<string> ReadKeys(DbCommand cmd)
    {
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    /// <summary>A command on the store's connection, in <paramref name="transaction"/> when given.</summary>
    protected DbCommand Command(string sql, DbTransaction? transaction = null)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = transaction;
        return cmd;
    }

    /// <summary>Adds parameter <paramref name="name"/> with <paramref name="value"/> to <paramref name="cmd"/>.</summary>
    protected static DbParameter Add(DbCommand cmd, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>Executes <paramref name="sql"/> (several statements allowed).</summary>
    protected void Execute(string sql, DbTransaction? transaction = null)
    {
        using var cmd = Command(sql, transaction);
        cmd.ExecuteNonQuery();
    }
}
