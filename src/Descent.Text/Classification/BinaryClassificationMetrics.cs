using System.Globalization;

namespace Descent.Text.Classification;

/// <summary>
/// A binary confusion matrix and the usual scores, with label 1 (spam) as the positive class: accuracy, precision,
/// recall and F1 as scikit-learn computes them (<c>accuracy_score</c>, <c>precision_score</c>, <c>recall_score</c>,
/// <c>f1_score</c> with <c>zero_division=0</c>: a score whose denominator is 0 is 0).
/// </summary>
public sealed record BinaryClassificationMetrics
{
    /// <summary>Creates the metrics from the four counts (each ≥ 0).</summary>
    public BinaryClassificationMetrics(int truePositives, int falsePositives, int trueNegatives, int falseNegatives)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(truePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(falsePositives);
        ArgumentOutOfRangeException.ThrowIfNegative(trueNegatives);
        ArgumentOutOfRangeException.ThrowIfNegative(falseNegatives);
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        TrueNegatives = trueNegatives;
        FalseNegatives = falseNegatives;
    }

    /// <summary>Spam predicted as spam.</summary>
    public int TruePositives { get; }

    /// <summary>Ham predicted as spam.</summary>
    public int FalsePositives { get; }

    /// <summary>Ham predicted as ham.</summary>
    public int TrueNegatives { get; }

    /// <summary>Spam predicted as ham.</summary>
    public int FalseNegatives { get; }

    /// <summary>Number of examples.</summary>
    public int Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>(TP + TN) / count; NaN with no examples.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)(TruePositives + TrueNegatives) / Count;

    /// <summary>TP / (TP + FP); 0 when nothing is predicted positive.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 0 when there are no positives.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN); 0 when TP = 0.</summary>
    public double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>Counts the confusion matrix of <paramref name="predictions"/> against <paramref name="labels"/> (both 0 or 1).</summary>
    public static BinaryClassificationMetrics FromPredictions(IReadOnlyList<int> labels, IReadOnlyList<int> predictions)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        if (labels.Count != predictions.Count)
        {
            throw new ArgumentException($"{labels.Count} labels but {predictions.Count} predictions", nameof(predictions));
        }

        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var (y, p) = (labels[i], predictions[i]);
            if (y is not (0 or 1) || p is not (0 or 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"item {i}: label {y}, prediction {p}; both must be 0 or 1"));
            }

            _ = (y, p) switch
            {
                (1, 1) => tp++,
                (0, 1) => fp++,
                (0, 0) => tn++,
                _ => fn++,
            };
        }

        return new BinaryClassificationMetrics(tp, fp, tn, fn);
    }

    /// <summary>The metrics of probabilities thresholded at <paramref name="threshold"/> (p ≥ threshold → 1).</summary>
    public static BinaryClassificationMetrics FromProbabilities(IReadOnlyList<int> labels, IReadOnlyList<float> probabilities, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return FromPredictions(labels, probabilities.Select(p => p >= threshold ? 1 : 0).ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"accuracy {Accuracy:P2}, precision {Precision:P2}, recall {Recall:P2}, F1 {F1:F4} (TP {TruePositives}, FP {FalsePositives}, TN {TrueNegatives}, FN {FalseNegatives})");

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
