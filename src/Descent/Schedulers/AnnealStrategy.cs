namespace Descent.Schedulers;

/// <summary>How <see cref="OneCycleScheduler"/> moves between two values within a phase.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine: end + (start − end)/2 · (1 + cos(π·pct)) (PyTorch: <c>'cos'</c>, the default).</summary>
    Cos,

    /// <summary>Linear: (end − start)·pct + start (PyTorch: <c>'linear'</c>).</summary>
    Linear,
}
