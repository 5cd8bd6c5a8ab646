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

    /// <summary>Does the work this task's runs share and cache on disk (e.g. a pretraining cached in the output folder) now,
    /// once: called before runs are performed in other processes (data-parallel runs), which would otherwise each do it at
    /// once. Runs in this process do it lazily, so the default does nothing.</summary>
    public virtual void Prepare()
    {
    }

    /// <summary>True when <paramref name="value"/> is NaN or ±∞.</summary>
    protected static bool IsBad(double value) => !double.IsFinite(value);
}
