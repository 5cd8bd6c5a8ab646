namespace Descent.Training;

/// <summary>The outcome of <see cref="Learner{TInput, TTarget}.Fit(int, Func{int, IEnumerable{ValueTuple{TInput, TTarget}}}, int?)"/>.</summary>
/// <param name="StartEpoch">The epoch training started at (0; after a resume, the epochs already done).</param>
/// <param name="Epochs">Epochs completed in all (including those restored by a resume).</param>
/// <param name="Steps">Optimizer steps taken in this call.</param>
/// <param name="Stopped">True when a callback ended the run early with <see cref="Learner.Stop"/>.</param>
public sealed record LearnerResult(int StartEpoch, int Epochs, long Steps, bool Stopped);
