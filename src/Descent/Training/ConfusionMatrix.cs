using System.Globalization;
using System.Text;

namespace Descent.Training;

/// <summary>
/// Counts of (true class, predicted class) pairs of a classifier, and the metrics derived from them: accuracy and
/// per-class or averaged precision, recall and F1, as scikit-learn's <c>confusion_matrix</c>,
/// <c>precision_recall_fscore_support</c> and <c>accuracy_score</c> define them (a ratio whose denominator is 0 is 0,
/// scikit-learn's <c>zero_division=0</c>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] counts;

    /// <summary>Counts the pairs (<paramref name="truth"/>[i], <paramref name="predicted"/>[i]) over
    /// <paramref name="numClasses"/> classes.</summary>
    /// <exception cref="ArgumentException">The lengths differ or a class is outside [0, numClasses).</exception>
    public ConfusionMatrix(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        Metrics.RequireSameLength(truth.Length, predicted.Length);

        NumClasses = numClasses;
        counts = new long[numClasses * numClasses];
        for (var i = 0; i < truth.Length; i++)
        {
            if ((uint)truth[i] >= (uint)numClasses || (uint)predicted[i] >= (uint)numClasses)
            {
                throw new ArgumentException(
                    $"sample {i}: true class {truth[i]}, predicted class {predicted[i]}; classes must be in [0, {numClasses})",
                    (uint)truth[i] >= (uint)numClasses ? nameof(truth) : nameof(predicted));
            }

            counts[(truth[i] * numClasses) + predicted[i]]++;
        }

        Total = truth.Length;
    }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Number of samples counted.</summary>
    public long Total { get; }

    /// <summary>How many samples of class <paramref name="truth"/> were predicted as <paramref name="predicted"/>
    /// (rows are true classes, columns predictions, as scikit-learn's).</summary>
    public long this[int truth, int predicted]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)truth, (uint)NumClasses, nameof(truth));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predicted, (uint)NumClasses, nameof(predicted));
            return counts[(truth * NumClasses) + predicted];
        }
    }

    /// <summary>The fraction of samples predicted correctly (NaN without samples).</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Enumerable.Range(0, NumClasses).Sum(c => this[c, c]) / Total;

    /// <summary>The number of samples whose true class is <paramref name="cls"/>.</summary>
    public long Support(int cls) => Row(cls);

    /// <summary>Of the samples predicted as <paramref name="cls"/>, the fraction that are (0 when none is).</summary>
    public double Precision(int cls) => Ratio(this[cls, cls], Column(cls));

    /// <summary>Of the samples of class <paramref name="cls"/>, the fraction predicted as it (0 when there are none).</summary>
    public double Recall(int cls) => Ratio(this[cls, cls], Row(cls));

    /// <summary>The harmonic mean of <see cref="Precision(int)"/> and <see cref="Recall(int)"/>, 2·TP / (2·TP + FP + FN)
    /// (0 when that denominator is).</summary>
    public double F1(int cls) => Ratio(2 * this[cls, cls], Row(cls) + Column(cls));

    /// <summary>Precision averaged over the classes that occur among the true labels or the predictions (scikit-learn's
    /// default <c>labels</c>).</summary>
    public double Precision(MetricAverage average) => Average(average, Precision);

    /// <summary>Recall averaged over the classes that occur among the true labels or the predictions.</summary>
    public double Recall(MetricAverage average) => Average(average, Recall);

    /// <summary>F1 averaged over the classes that occur among the true labels or the predictions (macro: the mean of the
    /// per-class F1, as scikit-learn's, not the F1 of the mean precision and recall).</summary>
    public double F1(MetricAverage average) => Average(average, F1);

    /// <summary>The matrix as a table, rows true classes and columns predictions, labelled by <paramref name="classNames"/>
    /// (class indices when null).</summary>
    public string ToString(IReadOnlyList<string>? classNames)
    {
        if (classNames is not null && classNames.Count != NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for {NumClasses} classes", nameof(classNames));
        }

        var names = Enumerable.Range(0, NumClasses).Select(c => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var cells = Enumerable.Range(0, NumClasses * NumClasses).Select(i => counts[i].ToString(CultureInfo.InvariantCulture)).ToArray();
        var labelWidth = Math.Max(names.Max(n => n.Length), "true \\ predicted".Length);
        var width = Math.Max(names.Max(n => n.Length), cells.Max(c => c.Length));
        var sb = new StringBuilder();
        sb.Append("true \\ predicted".PadRight(labelWidth));
        foreach (var n in names)
        {
            sb.Append("  ").Append(n.PadLeft(width));
        }

        for (var t = 0; t < NumClasses; t++)
        {
            sb.AppendLine().Append(names[t].PadRight(labelWidth));
            for (var p = 0; p < NumClasses; p++)
            {
                sb.Append("  ").Append(cells[(t * NumClasses) + p].PadLeft(width));
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToString(null);

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private long Row(int cls) => Enumerable.Range(0, NumClasses).Sum(p => this[cls, p]);

    private long Column(int cls) => Enumerable.Range(0, NumClasses).Sum(t => this[t, cls]);

    private double Average(MetricAverage average, Func<int, double> perClass)
    {
        var present = Enumerable.Range(0, NumClasses).Where(c => Row(c) + Column(c) > 0).ToArray();
        return average switch
        {
            MetricAverage.Macro => present.Length == 0 ? 0 : present.Average(perClass),
            MetricAverage.Weighted => Ratio(1, Total) * present.Sum(c => perClass(c) * Support(c)),
            MetricAverage.Micro => Ratio(present.Sum(c => this[c, c]), Total),
            _ => throw new ArgumentOutOfRangeException(nameof(average), average, "Macro, Weighted or Micro"),
        };
    }
}
