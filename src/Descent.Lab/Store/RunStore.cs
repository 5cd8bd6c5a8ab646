using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Microsoft.Data.Sqlite;

namespace Descent.Lab.Store;

/// <summary>
/// The run store: one SQLite database (<c>runs.db</c>) per experiment output folder holding the spec, the
/// configurations, every run's status, timing and environment, and its per-step and per-epoch metrics.
/// </summary>
/// <remarks>
/// <para>The database runs in WAL mode with a busy timeout, so readers never block the writer and several
/// processes may write to it. Within a process writes are serialized by a lock. Each run is written in
/// one transaction when it finishes, so a crash loses at most the runs in flight; a half-written run never
/// appears.</para>
/// <para>SQLite stores NaN as NULL; NULL metric values read back as NaN.</para>
/// <para>Runs in progress are leased (<see cref="TryClaim"/>, table <c>leases</c>: run key, owner, expiry), so several
/// runners — threads or processes — on one folder each execute a run only if nobody else is executing it; a lease
/// renewed by a live runner does not expire, one of a runner that died does, and the run is then taken over.</para>
/// </remarks>
public sealed class RunStore : IDisposable
{
    /// <summary>The database file name inside an output folder.</summary>
    public const string FileName = "runs.db";

    private const int SchemaVersion = 1;
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();
    private ExperimentSpec? pending;

    private RunStore(string path)
    {
        Path = path;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
        try
        {
            connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("PRAGMA busy_timeout=60000;");
            Execute("PRAGMA foreign_keys=ON;");
            CreateSchema();
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw NamedError(e);
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the store of an output folder.</summary>
    public static RunStore Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        return new RunStore(System.IO.Path.Combine(directory, FileName));
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

        return new RunStore(path);
    }

    /// <summary>
    /// Records the experiment. A store holds one experiment: if it already holds runs of a different task
    /// or budget, this throws <see cref="InvalidOperationException"/> (their results would not be
    /// comparable). Adding optimizers, learning rates or seeds to the same experiment is allowed.
    /// </summary>
    /// <remarks>A new store records <paramref name="spec"/> at once. A store that already holds a spec keeps it
    /// until <see cref="CommitExperiment"/> (called by the runner when every run of the invocation succeeded), so
    /// a compare that fails or is interrupted never replaces the spec the folder's report is rendered from.</remarks>
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
            using var read = Command("SELECT fingerprint, name FROM experiment WHERE id = 1");
            using (var r = read.ExecuteReader())
            {
                if (r.Read())
                {
                    if (r.GetString(0) != fingerprint)
                    {
                        throw new InvalidOperationException(
                            $"'{Path}' holds runs of experiment '{r.GetString(1)}' with a different task or budget " +
                            $"({r.GetString(0)}; this spec: {fingerprint}); use another output folder");
                    }

                    pending = spec;
                    return false;
                }
            }

            WriteExperiment(spec, fingerprint);
            return true;
        }
    }

    /// <summary>Replaces the stored spec by the one last given to <see cref="SetExperiment"/> (nothing when it was
    /// recorded already).</summary>
    public void CommitExperiment()
    {
        lock (gate)
        {
            if (pending is { } spec)
            {
                WriteExperiment(spec, Fingerprint(spec));
                pending = null;
            }
        }
    }

    private void WriteExperiment(ExperimentSpec spec, string fingerprint)
    {
        using var write = Command(
            "INSERT INTO experiment(id, name, fingerprint, spec_json, updated_utc) VALUES (1, $n, $f, $s, $u) " +
            "ON CONFLICT(id) DO UPDATE SET name = $n, spec_json = $s, updated_utc = $u");
        write.Parameters.AddWithValue("$n", spec.Name);
        write.Parameters.AddWithValue("$f", fingerprint);
        write.Parameters.AddWithValue("$s", spec.SourceJson);
        write.Parameters.AddWithValue("$u", Now());
        write.ExecuteNonQuery();
    }

    /// <summary>The stored spec JSON, or null when none was recorded.</summary>
    public string? GetSpecJson() => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("SELECT spec_json FROM experiment WHERE id = 1");
            return cmd.ExecuteScalar() as string;
        }
    });

    /// <summary>Whether <paramref name="runKey"/> is done (completed or diverged), or was stored in any state (a failed
    /// run included) at or after <paramref name="since"/> — by another runner on this folder, while this one waited.</summary>
    public bool IsSettled(string runKey, DateTime since) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("SELECT 1 FROM runs WHERE run_key = $k AND (status IN ('completed', 'diverged') OR finished_utc >= $since)");
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.Parameters.AddWithValue("$since", Utc(since));
            return cmd.ExecuteScalar() is not null;
        }
    });

    /// <summary>Keys of the runs that are done (completed or diverged); failed runs are not done.</summary>
    public IReadOnlySet<string> DoneRunKeys() => Named(() =>
    {
        lock (gate)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            using var cmd = Command("SELECT run_key FROM runs WHERE status IN ('completed', 'diverged')");
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                set.Add(r.GetString(0));
            }

            return set;
        }
    });

    /// <summary>
    /// Writes one finished run (replacing any earlier record of the same run, e.g. a failed one) with its
    /// configuration, environment and metrics, in a single transaction.
    /// </summary>
    public void SaveRun(RunDescriptor run, RunResult result, EnvironmentInfo environment)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var configId = UpsertConfiguration(run.Configuration, tx);
            var envId = UpsertEnvironment(environment, tx);
            using (var del = Command("DELETE FROM runs WHERE run_key = $k; DELETE FROM leases WHERE run_key = $k;", tx))
            {
                del.Parameters.AddWithValue("$k", run.Key);
                del.ExecuteNonQuery();
            }

            long runId;
            using (var ins = Command(
                       "INSERT INTO runs(run_key, configuration_id, seed, status, message, steps, seconds, environment_id, finished_utc) " +
                       "VALUES ($k, $c, $s, $st, $m, $n, $sec, $e, $f) RETURNING id", tx))
            {
                ins.Parameters.AddWithValue("$k", run.Key);
                ins.Parameters.AddWithValue("$c", configId);
                ins.Parameters.AddWithValue("$s", run.Seed);
                ins.Parameters.AddWithValue("$st", StatusText(result.Status));
                ins.Parameters.AddWithValue("$m", (object?)result.Message ?? DBNull.Value);
                ins.Parameters.AddWithValue("$n", result.Steps);
                ins.Parameters.AddWithValue("$sec", result.Seconds);
                ins.Parameters.AddWithValue("$e", envId);
                ins.Parameters.AddWithValue("$f", Now());
                runId = (long)ins.ExecuteScalar()!;
            }

            InsertMetrics("step_metrics", runId, result.StepMetrics, tx);
            InsertMetrics("epoch_metrics", runId, result.EpochMetrics, tx);
            tx.Commit();
        }
    }

    /// <summary>
    /// Claims <paramref name="runKey"/> for <paramref name="owner"/> until <paramref name="lease"/> from now, in one atomic
    /// statement: true when the run is not done and no other owner holds a live lease on it (an expired lease is taken
    /// over; the owner's own lease is extended). Two processes running one folder thus never execute the same run.
    /// </summary>
    public bool TryClaim(string runKey, string owner, TimeSpan lease) => Named(() =>
    {
        ArgumentNullException.ThrowIfNull(runKey);
        ArgumentNullException.ThrowIfNull(owner);
        lock (gate)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var cmd = Command("""
                INSERT INTO leases(run_key, claimed_by, lease_until)
                SELECT $k, $o, $u WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_key = $k AND status IN ('completed', 'diverged'))
                ON CONFLICT(run_key) DO UPDATE SET claimed_by = excluded.claimed_by, lease_until = excluded.lease_until
                WHERE leases.lease_until < $now OR leases.claimed_by = excluded.claimed_by
                """);
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.Parameters.AddWithValue("$o", owner);
            cmd.Parameters.AddWithValue("$u", now + (long)lease.TotalMilliseconds);
            cmd.Parameters.AddWithValue("$now", now);
            return cmd.ExecuteNonQuery() == 1;
        }
    });

    /// <summary>Who holds a live lease on <paramref name="runKey"/>, or null (none, or expired).</summary>
    public string? LeaseHolder(string runKey) => Named(() =>
    {
        ArgumentNullException.ThrowIfNull(runKey);
        lock (gate)
        {
            using var cmd = Command("SELECT claimed_by FROM leases WHERE run_key = $k AND lease_until >= $now");
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return cmd.ExecuteScalar() as string;
        }
    });

    /// <summary>Takes over <paramref name="runKey"/>'s lease from <paramref name="holder"/> (a process known to be gone),
    /// unless someone else has taken it meanwhile; true when <paramref name="owner"/> now holds it.</summary>
    public bool TakeOver(string runKey, string holder, string owner, TimeSpan lease) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("UPDATE leases SET claimed_by = $o, lease_until = $u WHERE run_key = $k AND claimed_by = $h");
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.Parameters.AddWithValue("$h", holder);
            cmd.Parameters.AddWithValue("$o", owner);
            cmd.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)lease.TotalMilliseconds);
            return cmd.ExecuteNonQuery() == 1;
        }
    });

    /// <summary>Extends every lease <paramref name="owner"/> holds to <paramref name="lease"/> from now (a runner renews
    /// while its runs are in flight).</summary>
    public void RenewLeases(string owner, TimeSpan lease) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("UPDATE leases SET lease_until = $u WHERE claimed_by = $o");
            cmd.Parameters.AddWithValue("$o", owner);
            cmd.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)lease.TotalMilliseconds);
            return cmd.ExecuteNonQuery();
        }
    });

    /// <summary>Drops <paramref name="owner"/>'s lease on <paramref name="runKey"/> (a run it claimed but will not run).</summary>
    public void ReleaseLease(string runKey, string owner) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("DELETE FROM leases WHERE run_key = $k AND claimed_by = $o");
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.Parameters.AddWithValue("$o", owner);
            return cmd.ExecuteNonQuery();
        }
    });

    /// <summary>Drops every lease <paramref name="owner"/> holds (a runner that stops, finished or cancelled).</summary>
    public void ReleaseLeases(string owner) => Named(() =>
    {
        lock (gate)
        {
            using var cmd = Command("DELETE FROM leases WHERE claimed_by = $o");
            cmd.Parameters.AddWithValue("$o", owner);
            return cmd.ExecuteNonQuery();
        }
    });

    /// <summary>Every stored run with its metrics, ordered by run key.</summary>
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
            return [.. runs.Select(x => new StoredRun(x.Key, x.ConfigKey, x.Label, x.Optimizer, x.Seed,
                new RunResult(x.Status, x.Message, x.Steps, x.Seconds,
                    steps.TryGetValue(x.Id, out var s) ? s : [],
                    epochs.TryGetValue(x.Id, out var e) ? e : []),
                x.Env, x.Finished))];
        }
    });

    /// <summary>Writes <c>runs.csv</c> (one row per run) and <c>metrics.csv</c> (one row per metric value)
    /// into <paramref name="directory"/>.</summary>
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

    /// <summary>Writes <c>runs.json</c>: the spec and every run with its metrics.</summary>
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

    /// <inheritdoc />
    public void Dispose() => connection.Dispose();

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

    private void InsertMetrics(string table, long runId, IReadOnlyList<MetricPoint> points, SqliteTransaction tx)
    {
        if (points.Count == 0)
        {
            return;
        }

        var epoch = table == "epoch_metrics";
        using var cmd = Command(epoch
            ? $"INSERT OR REPLACE INTO {table}(run_id, name, epoch, step, value, seconds) VALUES ($r, $n, $e, $s, $v, $t)"
            : $"INSERT OR REPLACE INTO {table}(run_id, name, step, value, seconds) VALUES ($r, $n, $s, $v, $t)", tx);
        var pr = cmd.Parameters.Add("$r", SqliteType.Integer);
        var pn = cmd.Parameters.Add("$n", SqliteType.Text);
        var pe = epoch ? cmd.Parameters.Add("$e", SqliteType.Integer) : null;
        var ps = cmd.Parameters.Add("$s", SqliteType.Integer);
        var pv = cmd.Parameters.Add("$v", SqliteType.Real);
        var pt = cmd.Parameters.Add("$t", SqliteType.Real);
        cmd.Prepare();
        pr.Value = runId;
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

    private long UpsertConfiguration(RunConfiguration c, SqliteTransaction tx)
    {
        using (var ins = Command(
                   "INSERT OR IGNORE INTO configurations(key, optimizer_index, optimizer, label, hyperparameters, schedule) VALUES ($k, $i, $o, $l, $h, $s)", tx))
        {
            ins.Parameters.AddWithValue("$k", c.Key);
            ins.Parameters.AddWithValue("$i", c.OptimizerIndex);
            ins.Parameters.AddWithValue("$o", c.Optimizer);
            ins.Parameters.AddWithValue("$l", c.Label);
            ins.Parameters.AddWithValue("$h", JsonSerializer.Serialize(c.Hyperparameters.ToDictionary(h => h.Key, h => h.Value.ToString())));
            ins.Parameters.AddWithValue("$s", (object?)c.Schedule?.ToString() ?? DBNull.Value);
            ins.ExecuteNonQuery();
        }

        using var sel = Command("SELECT id FROM configurations WHERE key = $k", tx);
        sel.Parameters.AddWithValue("$k", c.Key);
        return (long)sel.ExecuteScalar()!;
    }

    private long UpsertEnvironment(EnvironmentInfo e, SqliteTransaction tx)
    {
        const string Columns = "descent_version, dotnet_version, os, cpu, cores, simd_bits, kernel_path";
        using (var ins = Command($"INSERT OR IGNORE INTO environments({Columns}) VALUES ($a, $b, $c, $d, $e, $f, $g)", tx))
        {
            AddEnvironment(ins, e);
            ins.ExecuteNonQuery();
        }

        using var sel = Command(
            "SELECT id FROM environments WHERE descent_version = $a AND dotnet_version = $b AND os = $c AND cpu = $d " +
            "AND cores = $e AND simd_bits = $f AND kernel_path = $g", tx);
        AddEnvironment(sel, e);
        return (long)sel.ExecuteScalar()!;
    }

    private static void AddEnvironment(SqliteCommand cmd, EnvironmentInfo e)
    {
        cmd.Parameters.AddWithValue("$a", e.DescentVersion);
        cmd.Parameters.AddWithValue("$b", e.DotnetVersion);
        cmd.Parameters.AddWithValue("$c", e.Os);
        cmd.Parameters.AddWithValue("$d", e.Cpu);
        cmd.Parameters.AddWithValue("$e", e.Cores);
        cmd.Parameters.AddWithValue("$f", e.SimdBits);
        cmd.Parameters.AddWithValue("$g", e.KernelPath);
    }

    private void CreateSchema()
    {
        lock (gate)
        {
            Execute("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS experiment(
                    id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, fingerprint TEXT NOT NULL,
                    spec_json TEXT NOT NULL, updated_utc TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS configurations(
                    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, optimizer_index INTEGER NOT NULL,
                    optimizer TEXT NOT NULL, label TEXT NOT NULL, hyperparameters TEXT NOT NULL, schedule TEXT);
                CREATE TABLE IF NOT EXISTS environments(
                    id INTEGER PRIMARY KEY, descent_version TEXT NOT NULL, dotnet_version TEXT NOT NULL, os TEXT NOT NULL,
                    cpu TEXT NOT NULL, cores INTEGER NOT NULL, simd_bits INTEGER NOT NULL, kernel_path TEXT NOT NULL,
                    UNIQUE(descent_version, dotnet_version, os, cpu, cores, simd_bits, kernel_path));
                CREATE TABLE IF NOT EXISTS runs(
                    id INTEGER PRIMARY KEY, run_key TEXT NOT NULL UNIQUE,
                    configuration_id INTEGER NOT NULL REFERENCES configurations(id),
                    seed INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('completed', 'diverged', 'failed')),
                    message TEXT, steps INTEGER NOT NULL, seconds REAL NOT NULL,
                    environment_id INTEGER NOT NULL REFERENCES environments(id), finished_utc TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS step_metrics(
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, step INTEGER NOT NULL,
                    value REAL, seconds REAL NOT NULL, PRIMARY KEY(run_id, name, step)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS epoch_metrics(
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, epoch INTEGER NOT NULL,
                    step INTEGER NOT NULL, value REAL, seconds REAL NOT NULL, PRIMARY KEY(run_id, name, epoch)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS leases(
                    run_key TEXT PRIMARY KEY, claimed_by TEXT NOT NULL, lease_until INTEGER NOT NULL) WITHOUT ROWID;
                """);
            using var cmd = Command("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', $v)");
            cmd.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>What must not change between runs stored together: task and budget. A kind's own settings are appended
    /// by the kind (<see cref="Tasks.ILabTask.Fingerprint"/>), so folders of kinds written before other kinds gained
    /// settings still resume.</summary>
    internal static string Fingerprint(ExperimentSpec spec)
    {
        var t = spec.Task;
        var start = t.Start is null ? "default" : string.Join(",", t.Start.Select(HyperparameterValue.FormatNumber));
        return $"task={t.Kind} hidden={string.Join("x", t.Hidden)} batch={t.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "default"} " +
               $"start={start} noise={HyperparameterValue.FormatNumber(t.Noise)} l2={HyperparameterValue.FormatNumber(t.L2)} " +
               $"data={t.Data ?? "builtin"} samples={t.Samples.ToString(CultureInfo.InvariantCulture)} " +
               $"epochs={spec.Budget.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "-"} steps={spec.Budget.Steps?.ToString(CultureInfo.InvariantCulture) ?? "-"}" +
               t.Definition.Fingerprint(t);
    }

    private static string StatusText(RunStatus s) => s switch
    {
        RunStatus.Completed => "completed",
        RunStatus.Diverged => "diverged",
        _ => "failed",
    };

    private static RunStatus ParseStatus(string s) => s switch
    {
        "completed" => RunStatus.Completed,
        "diverged" => RunStatus.Diverged,
        _ => RunStatus.Failed,
    };

    private static string Now() => Utc(DateTime.UtcNow);

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;

    /// <summary>A SQLite error as an <see cref="IOException"/> whose message names the database file.</summary>
    private IOException NamedError(SqliteException e) => new($"run store '{Path}': {e.Message}", e);

    private T Named<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException e)
        {
            throw NamedError(e);
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }
}
