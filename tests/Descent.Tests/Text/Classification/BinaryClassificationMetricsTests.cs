using Descent.Text.Classification;

namespace Descent.Tests.Text.Classification;

public sealed class BinaryClassificationMetricsTests
{
    [Fact]
    public void SymmetricConfusionMatrix()
    {
        // labels 1 1 1 0 0 0 0 1, predictions 1 0 1 0 1 0 0 1: TP 3 (0, 2, 7), FN 1 (1), FP 1 (4), TN 3.
        var m = BinaryClassificationMetrics.FromPredictions([1, 1, 1, 0, 0, 0, 0, 1], [1, 0, 1, 0, 1, 0, 0, 1]);
        Assert.Equal(new BinaryClassificationMetrics(3, 1, 3, 1), m);
        Assert.Equal(8, m.Count);
        Assert.Equal(0.75, m.Accuracy);
        Assert.Equal(0.75, m.Precision);
        Assert.Equal(0.75, m.Recall);
        Assert.Equal(0.75, m.F1);
    }

    [Fact]
    public void AsymmetricConfusionMatrix()
    {
        // TP 2, FP 3, TN 4, FN 1: accuracy 6/10, precision 2/5, recall 2/3, F1 = 2·0.4·(2/3)/(0.4 + 2/3) = 0.5.
        var m = new BinaryClassificationMetrics(truePositives: 2, falsePositives: 3, trueNegatives: 4, falseNegatives: 1);
        Assert.Equal(0.6, m.Accuracy, 15);
        Assert.Equal(0.4, m.Precision, 15);
        Assert.Equal(2.0 / 3.0, m.Recall, 15);
        Assert.Equal(0.5, m.F1, 15);
    }

    [Fact]
    public void ZeroDenominatorsGiveZeroAndEmptyGivesNaN()
    {
        var none = BinaryClassificationMetrics.FromPredictions([1, 0, 1], [0, 0, 0]);
        Assert.Equal(1.0 / 3.0, none.Accuracy, 15);
        Assert.Equal(0, none.Precision);
        Assert.Equal(0, none.Recall);
        Assert.Equal(0, none.F1);
        var noPositives = BinaryClassificationMetrics.FromPredictions([0, 0], [0, 0]);
        Assert.Equal(1, noPositives.Accuracy);
        Assert.Equal(0, noPositives.Recall);
        Assert.True(double.IsNaN(new BinaryClassificationMetrics(0, 0, 0, 0).Accuracy));
    }

    [Fact]
    public void ProbabilitiesAreThresholdedInclusively()
    {
        var m = BinaryClassificationMetrics.FromProbabilities([1, 0, 1, 0], [0.5f, 0.49f, 0.2f, 0.9f]);
        Assert.Equal(new BinaryClassificationMetrics(1, 1, 1, 1), m);
        Assert.Equal(new BinaryClassificationMetrics(0, 0, 2, 2), BinaryClassificationMetrics.FromProbabilities([1, 0, 1, 0], [0.5f, 0.49f, 0.2f, 0.9f], threshold: 0.95));
    }

    [Fact]
    public void RejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.FromPredictions([1, 0], [1]));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.FromPredictions([2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryClassificationMetrics(-1, 0, 0, 0));
    }
}
