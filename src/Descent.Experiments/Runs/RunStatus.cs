namespace Descent.Experiments.Runs;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>All requested steps ran and every loss was finite.</summary>
    Completed,

    /// <summary>The loss became NaN or infinite; the run was stopped at that step.</summary>
    Diverged,

    /// <summary>The step function threw; the run was stopped at that step.</summary>
    Failed,
}
