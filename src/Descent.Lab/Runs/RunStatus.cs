namespace Descent.Lab.Runs;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Trained for the whole budget.</summary>
    Completed,

    /// <summary>The loss (or a parameter) became NaN or infinite; the run stopped there and keeps its
    /// metrics up to that point. A diverged run never reaches the target.</summary>
    Diverged,

    /// <summary>The task threw (a bug or missing data); rerun on resume.</summary>
    Failed,

    /// <summary>Stopped early by the spec's <c>early_stopping</c> (ASHA) at a rung where its metric was not among the best;
    /// keeps its metrics up to there, is never rerun, and is listed as stopped in the report.</summary>
    Stopped,
}
