namespace Descent.Lab.Runs;

/// <summary>A progress report of the <see cref="ExperimentRunner"/>.</summary>
/// <param name="Total">Runs in the experiment.</param>
/// <param name="Skipped">Runs already done in the store when this invocation started (resumed).</param>
/// <param name="Finished">Runs finished by this invocation so far.</param>
/// <param name="Diverged">Of those, how many diverged.</param>
/// <param name="Failed">Of those, how many failed.</param>
/// <param name="Elapsed">Time since this invocation started.</param>
/// <param name="Eta">Estimated time to finish the remaining runs, or null before the first finishes.</param>
/// <param name="Last">Description of the run that just finished, or null.</param>
public sealed record RunnerProgress(
    int Total,
    int Skipped,
    int Finished,
    int Diverged,
    int Failed,
    TimeSpan Elapsed,
    TimeSpan? Eta,
    string? Last)
{
    /// <summary>Runs done overall (skipped + finished).</summary>
    public int Done => Skipped + Finished;
}
