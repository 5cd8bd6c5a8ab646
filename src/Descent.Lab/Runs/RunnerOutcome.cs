namespace Descent.Lab.Runs;

/// <summary>What one invocation of the <see cref="ExperimentRunner"/> did.</summary>
/// <param name="Total">Runs in the experiment.</param>
/// <param name="Skipped">Runs found done in the store and not rerun.</param>
/// <param name="Executed">Runs executed now.</param>
/// <param name="Diverged">Runs executed now that diverged.</param>
/// <param name="Failed">Runs executed now that failed, with their messages.</param>
/// <param name="Elapsed">Wall time of this invocation.</param>
public sealed record RunnerOutcome(int Total, int Skipped, int Executed, int Diverged, IReadOnlyList<string> Failed, TimeSpan Elapsed)
{
    /// <summary>Runs another runner on the same folder (another <c>descent compare</c>) had claimed, and finished while
    /// this one waited; not executed here.</summary>
    public int DoneElsewhere { get; init; }

    /// <summary>Runs executed now that the spec's early stopping ended at a rung (stored as stopped).</summary>
    public int Stopped { get; init; }
}
