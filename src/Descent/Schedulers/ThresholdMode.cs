namespace Descent.Schedulers;

/// <summary>How <see cref="ReduceOnPlateauScheduler"/> decides that a metric improved significantly.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 ∓ threshold) (PyTorch: <c>'rel'</c>).</summary>
    Rel,

    /// <summary>Absolute: better than best ∓ threshold (PyTorch: <c>'abs'</c>).</summary>
    Abs,
}
