using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Lab.Store;

/// <summary>
/// Where the lab keeps an experiment: its spec, the queue of its runs, the leases of the runs in flight, every finished
/// run with its metrics, and the early-stopping rungs. Two backends share one schema (<see cref="SqlRunStore"/>):
/// <see cref="RunStore"/> (SQLite, one file per output folder, the default) and <c>Descent.Lab.PostgreSql</c>'s
/// <c>PostgresRunStore</c> (workers on many machines). Errors of the database are <see cref="IOException"/>s naming
/// <see cref="Location"/>.
/// </summary>
public interface IRunStore : IRungStore, IDisposable
{
    /// <summary>Where the store is, for messages: a file path, or a URL without its password.</summary>
    string Location { get; }

    /// <summary>Records the experiment and queues its runs (see <see cref="SqlRunStore.SetExperiment"/> for the rules).</summary>
    void SetExperiment(ExperimentSpec spec);

    /// <summary>Replaces the stored spec by the one last given to <see cref="SetExperiment"/> (nothing when it was recorded already).</summary>
    void CommitExperiment();

    /// <summary>The stored spec JSON, or null when none was recorded.</summary>
    string? GetSpecJson();

    /// <summary>Whether <paramref name="runKey"/> is done (completed, diverged or stopped early), or was stored in any state at or
    /// after <paramref name="since"/>.</summary>
    bool IsSettled(string runKey, DateTime since);

    /// <summary>Keys of the runs that are done (completed, diverged or stopped early); failed runs are not done.</summary>
    IReadOnlySet<string> DoneRunKeys();

    /// <summary>Keys of the queued runs that have no stored result yet (neither done nor failed), in queue order.</summary>
    IReadOnlyList<string> PendingRunKeys();

    /// <summary>Writes one finished run (replacing an earlier record of it) with its configuration, environment and metrics, and
    /// drops its lease, in one transaction.</summary>
    void SaveRun(RunDescriptor run, RunResult result, EnvironmentInfo environment);

    /// <summary>Claims <paramref name="runKey"/> for <paramref name="owner"/> until <paramref name="lease"/> from now, atomically:
    /// true when the run is not done and no other owner holds a live lease on it.</summary>
    bool TryClaim(string runKey, string owner, TimeSpan lease);

    /// <summary>Claims the first queued run that has no stored result, no live lease, and that <paramref name="accept"/> accepts
    /// (in one transaction; on PostgreSQL with <c>SELECT … FOR UPDATE SKIP LOCKED</c>, so concurrent workers never wait for
    /// each other nor take the same run); null when there is none now.</summary>
    string? ClaimNext(string owner, TimeSpan lease, Func<string, bool> accept);

    /// <summary>Who holds a live lease on <paramref name="runKey"/>, or null.</summary>
    string? LeaseHolder(string runKey);

    /// <summary>Takes over <paramref name="runKey"/>'s lease from <paramref name="holder"/>, unless someone else took it meanwhile.</summary>
    bool TakeOver(string runKey, string holder, string owner, TimeSpan lease);

    /// <summary>Extends every lease <paramref name="owner"/> holds to <paramref name="lease"/> from now (the heartbeat).</summary>
    void RenewLeases(string owner, TimeSpan lease);

    /// <summary>Drops <paramref name="owner"/>'s lease on <paramref name="runKey"/>.</summary>
    void ReleaseLease(string runKey, string owner);

    /// <summary>Drops every lease <paramref name="owner"/> holds.</summary>
    void ReleaseLeases(string owner);

    /// <summary>Every stored run with its metrics, ordered by run key.</summary>
    IReadOnlyList<StoredRun> LoadRuns();

    /// <summary>Writes <c>runs.csv</c> and <c>metrics.csv</c> into <paramref name="directory"/>.</summary>
    void ExportCsv(string directory);

    /// <summary>Writes <c>runs.json</c> (the spec and every run with its metrics) into <paramref name="directory"/>.</summary>
    void ExportJson(string directory);
}
