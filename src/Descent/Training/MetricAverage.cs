namespace Descent.Training;

/// <summary>How per-class precision, recall and F1 are combined into one number (scikit-learn's <c>average</c>).</summary>
public enum MetricAverage
{
    /// <summary>The unweighted mean over classes (<c>average="macro"</c>).</summary>
    Macro,

    /// <summary>The mean over classes weighted by each class's support, its number of true samples
    /// (<c>average="weighted"</c>).</summary>
    Weighted,

    /// <summary>Computed from the counts summed over classes (<c>average="micro"</c>); for single-label
    /// classification equal to the accuracy.</summary>
    Micro,
}
