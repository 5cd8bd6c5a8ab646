namespace Descent.Training;

/// <summary>
/// Evaluation metrics as plain functions of true and predicted values, defined as scikit-learn's
/// (<c>sklearn.metrics</c>): arguments in its order, true values first. Classification metrics take class indices
/// (e.g. from <see cref="Tensor.ArgMax"/>), regression metrics numbers; lengths must match.
/// </summary>
/// <example>
/// <code>
/// int[] predicted = model.Predict(test.Features).ArgMax();
/// Console.WriteLine($"accuracy {Metrics.Accuracy(test.Labels, predicted):P1}, macro-F1 {Metrics.F1(test.Labels, predicted, 3):F3}");
/// </code>
/// </example>
public static class Metrics
{
    /// <summary>The fraction of samples whose prediction equals the truth (<c>accuracy_score</c>; NaN without samples).</summary>
    public static double Accuracy(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        RequireSameLength(truth.Length, predicted.Length);
        var correct = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            correct += truth[i] == predicted[i] ? 1 : 0;
        }

        return truth.Length == 0 ? double.NaN : (double)correct / truth.Length;
    }

    /// <inheritdoc cref="Accuracy(ReadOnlySpan{int}, ReadOnlySpan{int})"/>
    public static double Accuracy(IReadOnlyList<int> truth, IReadOnlyList<int> predicted) => Accuracy(Span(truth), Span(predicted));

    /// <summary>The confusion matrix over <paramref name="numClasses"/> classes (<c>confusion_matrix</c>).</summary>
    public static ConfusionMatrix ConfusionMatrix(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int numClasses)
        => new(Span(truth), Span(predicted), numClasses);

    /// <summary>Precision averaged over classes (<c>precision_score</c>, default macro).</summary>
    public static double Precision(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int numClasses, MetricAverage average = MetricAverage.Macro)
        => ConfusionMatrix(truth, predicted, numClasses).Precision(average);

    /// <summary>Recall averaged over classes (<c>recall_score</c>, default macro).</summary>
    public static double Recall(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int numClasses, MetricAverage average = MetricAverage.Macro)
        => ConfusionMatrix(truth, predicted, numClasses).Recall(average);

    /// <summary>F1 averaged over classes (<c>f1_score</c>, default macro).</summary>
    public static double F1(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int numClasses, MetricAverage average = MetricAverage.Macro)
        => ConfusionMatrix(truth, predicted, numClasses).F1(average);

    /// <summary>The mean of the squared errors (<c>mean_squared_error</c>; NaN without samples).</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted)
        => Mean(truth, predicted, static d => d * d);

    /// <summary>The square root of <see cref="MeanSquaredError"/> (<c>root_mean_squared_error</c>).</summary>
    public static double RootMeanSquaredError(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted)
        => Math.Sqrt(MeanSquaredError(truth, predicted));

    /// <summary>The mean of the absolute errors (<c>mean_absolute_error</c>; NaN without samples).</summary>
    public static double MeanAbsoluteError(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted)
        => Mean(truth, predicted, Math.Abs);

    /// <summary>
    /// The coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (<c>r2_score</c>): 1 for a perfect prediction, 0 for
    /// predicting the mean, negative when worse. When the truth is constant it is 1 for a perfect prediction and 0
    /// otherwise (as scikit-learn's); NaN with fewer than two samples.
    /// </summary>
    public static double R2Score(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted)
    {
        RequireSameLength(truth.Length, predicted.Length);
        if (truth.Length < 2)
        {
            return double.NaN;
        }

        double mean = 0;
        foreach (var y in truth)
        {
            mean += y;
        }

        mean /= truth.Length;
        double residual = 0, total = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            residual += ((double)truth[i] - predicted[i]) * ((double)truth[i] - predicted[i]);
            total += (truth[i] - mean) * (truth[i] - mean);
        }

        return total == 0 ? (residual == 0 ? 1 : 0) : 1 - (residual / total);
    }

    private static double Mean(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted, Func<double, double> error)
    {
        RequireSameLength(truth.Length, predicted.Length);
        double sum = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            sum += error((double)truth[i] - predicted[i]);
        }

        return truth.Length == 0 ? double.NaN : sum / truth.Length;
    }

    private static ReadOnlySpan<int> Span(IReadOnlyList<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values as int[] ?? values.ToArray();
    }

    internal static void RequireSameLength(int truth, int predicted)
    {
        if (truth != predicted)
        {
            throw new ArgumentException($"{predicted} predictions for {truth} true values; they must be as many", nameof(predicted));
        }
    }
}
