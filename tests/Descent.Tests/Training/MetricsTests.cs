using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>Metrics checked against values derived by hand from their definitions (and the worked examples of
/// scikit-learn's documentation, whose inputs are restated here and whose results follow from the definitions).</summary>
public sealed class MetricsTests
{
    // scikit-learn's confusion_matrix example: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2].
    private static readonly int[] Truth = [2, 0, 2, 2, 0, 1];
    private static readonly int[] Predicted = [0, 0, 2, 2, 0, 2];

    [Fact]
    public void ConfusionMatrixCountsTruthByPrediction()
    {
        var m = Metrics.ConfusionMatrix(Truth, Predicted, 3);
        long[,] expected = { { 2, 0, 0 }, { 0, 0, 1 }, { 1, 0, 2 } };
        for (var t = 0; t < 3; t++)
        {
            for (var p = 0; p < 3; p++)
            {
                Assert.Equal(expected[t, p], m[t, p]);
            }
        }

        Assert.Equal(6, m.Total);
        Assert.Equal([2L, 1, 3], Enumerable.Range(0, 3).Select(m.Support));
        Assert.Contains("true \\ predicted", m.ToString(), StringComparison.Ordinal);
        Assert.Contains("b", m.ToString(["a", "b", "c"]), StringComparison.Ordinal);
    }

    [Fact]
    public void PrecisionRecallF1PerClassAndAveraged()
    {
        var m = new ConfusionMatrix(Truth, Predicted, 3);

        // Per class from TP, FP, FN: class 0 TP 2 FP 1 FN 0; class 1 TP 0 FP 0 FN 1; class 2 TP 2 FP 1 FN 1.
        double[] precision = [2.0 / 3, 0, 2.0 / 3];
        double[] recall = [1, 0, 2.0 / 3];
        double[] f1 = [2.0 * 2 / ((2 * 2) + 1 + 0), 0, 2.0 * 2 / ((2 * 2) + 1 + 1)];
        double[] support = [2, 1, 3];
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(precision[c], m.Precision(c), 12);
            Assert.Equal(recall[c], m.Recall(c), 12);
            Assert.Equal(f1[c], m.F1(c), 12);
        }

        Assert.Equal(precision.Average(), m.Precision(MetricAverage.Macro), 12);
        Assert.Equal(recall.Average(), m.Recall(MetricAverage.Macro), 12);
        Assert.Equal(f1.Average(), m.F1(MetricAverage.Macro), 12);
        Assert.Equal(Weighted(precision, support), m.Precision(MetricAverage.Weighted), 12);
        Assert.Equal(Weighted(recall, support), m.Recall(MetricAverage.Weighted), 12);
        Assert.Equal(Weighted(f1, support), m.F1(MetricAverage.Weighted), 12);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        Assert.Equal(4.0 / 6, m.F1(MetricAverage.Micro), 12);
        Assert.Equal(4.0 / 6, m.Precision(MetricAverage.Micro), 12);
        Assert.Equal(4.0 / 6, Metrics.Accuracy(Truth, Predicted), 12);
        Assert.Equal(f1.Average(), Metrics.F1(Truth, Predicted, 3), 12);
        Assert.Equal(Weighted(recall, support), Metrics.Recall(Truth, Predicted, 3, MetricAverage.Weighted), 12);
        Assert.Equal(precision.Average(), Metrics.Precision(Truth, Predicted, 3), 12);
    }

    [Fact]
    public void ClassesAbsentFromTruthAndPredictionsDoNotDiluteTheMacroAverage()
    {
        // Classes 3 and 4 never occur: the macro average is over classes 0-2, as scikit-learn's default labels.
        Assert.Equal(Metrics.F1(Truth, Predicted, 3), Metrics.F1(Truth, Predicted, 5), 12);
    }

    [Fact]
    public void ClassificationInputsAreChecked()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix([0, 3], [0, 1], 3));
        Assert.True(double.IsNaN(Metrics.Accuracy(Array.Empty<int>(), Array.Empty<int>())));
    }

    [Fact]
    public void RegressionMetricsFollowTheirDefinitions()
    {
        // scikit-learn's example: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
        float[] truth = [3, -0.5f, 2, 7];
        float[] predicted = [2.5f, 0, 2, 8];
        double[] errors = [0.5, -0.5, 0, -1];
        var mse = errors.Sum(e => e * e) / 4;
        Assert.Equal(mse, Metrics.MeanSquaredError(truth, predicted), 12);
        Assert.Equal(Math.Sqrt(mse), Metrics.RootMeanSquaredError(truth, predicted), 12);
        Assert.Equal(errors.Sum(Math.Abs) / 4, Metrics.MeanAbsoluteError(truth, predicted), 12);
        var mean = truth.Average(y => (double)y);
        var total = truth.Sum(y => (y - mean) * (y - mean));
        Assert.Equal(1 - (errors.Sum(e => e * e) / total), Metrics.R2Score(truth, predicted), 12);
    }

    [Fact]
    public void R2EdgeCases()
    {
        Assert.Equal(1, Metrics.R2Score([1f, 2f, 3f], [1f, 2f, 3f]));
        Assert.Equal(0, Metrics.R2Score([2f, 2f, 2f], [2f, 2f, 2f]) - 1);
        Assert.Equal(0, Metrics.R2Score([2f, 2f, 2f], [1f, 2f, 3f]));
        Assert.Equal(0, Metrics.R2Score([1f, 3f], [2f, 2f]), 12); // predicting the mean
        Assert.True(double.IsNaN(Metrics.R2Score([1f], [1f])));
        Assert.Throws<ArgumentException>(() => Metrics.MeanSquaredError([1f], [1f, 2f]));
    }

    private static double Weighted(double[] values, double[] support)
        => values.Zip(support).Sum(p => p.First * p.Second) / support.Sum();
}
