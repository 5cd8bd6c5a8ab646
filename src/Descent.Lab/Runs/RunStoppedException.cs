namespace Descent.Lab.Runs;

/// <summary>Thrown out of a task's training loop by <see cref="RunRecorder"/> when the spec's early stopping ends the run at a
/// rung; carries the run's result so far (status <see cref="RunStatus.Stopped"/>), which the runner stores. Not an error.</summary>
public sealed class RunStoppedException : Exception
{
    /// <summary>Creates the signal for <paramref name="result"/>.</summary>
    public RunStoppedException(RunResult result)
        : base(result?.Message)
    {
        Result = result ?? throw new ArgumentNullException(nameof(result));
    }

    /// <summary>The stopped run's result.</summary>
    public RunResult Result { get; }
}
