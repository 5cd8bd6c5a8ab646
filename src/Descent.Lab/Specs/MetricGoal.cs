namespace Descent.Lab.Specs;

/// <summary>Whether smaller or larger values of a metric are better.</summary>
public enum MetricGoal
{
    /// <summary>Smaller is better (losses).</summary>
    Minimize,

    /// <summary>Larger is better (accuracies).</summary>
    Maximize,
}
