namespace Descent.Schedulers;

/// <summary>Whether <see cref="ReduceOnPlateauScheduler"/> watches a metric that should decrease or increase.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss; PyTorch: <c>'min'</c>).</summary>
    Min,

    /// <summary>Higher is better (an accuracy; PyTorch: <c>'max'</c>).</summary>
    Max,
}
