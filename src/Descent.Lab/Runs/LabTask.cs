namespace Descent.Lab.Runs;

/// <summary>
/// A problem the lab trains on. A task builds its model and data from the run's seed alone (so a run is
/// deterministic per seed and every optimizer starts from the same weights and sees the same batches for
/// the same seed), trains for the budget, and records metrics; a NaN or infinite loss ends the run as
/// <see cref="RunStatus.Diverged"/>.
/// </summary>
public abstract class LabTask
{
    /// <summary>Performs one run.</summary>
    public abstract RunResult Run(RunContext context);

    /// <summary>True when <paramref name="value"/> is NaN or ±∞.</summary>
    protected static bool IsBad(double value) => !double.IsFinite(value);
}
