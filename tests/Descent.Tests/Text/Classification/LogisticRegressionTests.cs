using Descent.Tests.Infrastructure;
using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Tests.Text.Classification;

/// <summary>
/// Descent's logistic regression (Linear + BCE-with-logits + a registry optimizer) against an independent
/// double-precision implementation of the same objective and update rules, on the shipped SpamAssassin subset.
/// </summary>
public sealed class LogisticRegressionTests
{
    private static readonly Lazy<Problem> Subset = new(() =>
    {
        var items = SpamAssassinCorpus.Load(Path.Combine(Golden.RepositoryRoot, SpamAssassinCorpus.SubsetFolder));
        var (train, test) = SpamAssassinCorpus.Split(items, 0.2, 0);
        var v = BagOfWordsVectorizer.Fit(train.Select(t => t.Text));
        return new Problem(v, v.Transform(train.Select(t => t.Text)), train.Select(t => t.Label).ToArray(),
            v.Transform(test.Select(t => t.Text)), test.Select(t => t.Label).ToArray(), train, test);
    });

    [Theory]
    [InlineData("sgd", 1.0, 240, false)] // full batch
    [InlineData("sgd", 0.5, 64, false)] // mini-batches in order, last one partial (240 = 3·64 + 48)
    [InlineData("adam", 0.01, 32, true)] // the defaults: shuffled mini-batches
    [InlineData("adamw", 0.02, 50, true)]
    public void MatchesADoublePrecisionReference(string optimizer, double lr, int batch, bool shuffle)
    {
        var p = Subset.Value;
        var options = new LogisticRegressionOptions
        {
            Optimizer = optimizer, LearningRate = lr, BatchSize = batch, Shuffle = shuffle, Epochs = 8, WeightDecay = 1e-3, Seed = 5,
        };
        var model = new LogisticRegression(p.Vectorizer.FeatureCount, options);
        model.Fit(p.Train, p.TrainLabels);
        var reference = Reference.Train(p.Train, p.TrainLabels, p.Vectorizer.FeatureCount, options);

        var w = model.Layer.Weight.Span;
        var maxDiff = 0.0;
        for (var j = 0; j < w.Length; j++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(w[j] - reference.W[j]));
        }

        Assert.True(maxDiff < 2e-4, $"max |w − w_ref| = {maxDiff}");
        Assert.Equal(reference.B, model.Layer.Bias!.Span[0], 3e-4);
        for (var e = 0; e < options.Epochs; e++)
        {
            Assert.Equal(reference.EpochLosses[e], model.EpochLosses[e], 1e-5);
        }

        var predicted = p.Test.Select(x => model.PredictProbability(x) >= 0.5 ? 1 : 0).ToArray();
        var expected = p.Test.Select(x => reference.Logit(x) >= 0 ? 1 : 0).ToArray();
        Assert.Equal(expected, predicted);
    }

    [Fact]
    public void ClassifierOnTheSubsetScoresWhatTheReferenceScores()
    {
        var p = Subset.Value;
        var options = new LogisticRegressionOptions { Epochs = 10, Seed = 42 }; // defaults: adam, lr 0.01, batch 32, L2 1e-4
        var classifier = BagOfWordsClassifier.Train(p.TrainItems, new BagOfWordsOptions(), options);
        var metrics = classifier.Evaluate(p.TestItems);

        var reference = Reference.Train(p.Train, p.TrainLabels, p.Vectorizer.FeatureCount, options);
        var expected = BinaryClassificationMetrics.FromPredictions(p.TestLabels, p.Test.Select(x => reference.Logit(x) >= 0 ? 1 : 0).ToArray());
        Assert.Equal(expected, metrics);
        // The reference's scores on this split (60 e-mails, 20 spam): 15 TP, 1 FP, 39 TN, 5 FN.
        Assert.Equal(new BinaryClassificationMetrics(15, 1, 39, 5), expected);
        Assert.Equal(0.9, metrics.Accuracy, 12);
    }

    [Fact]
    public void SameSeedSameModel()
    {
        var p = Subset.Value;
        var options = new LogisticRegressionOptions { Epochs = 2 };
        var a = new LogisticRegression(p.Vectorizer.FeatureCount, options);
        var b = new LogisticRegression(p.Vectorizer.FeatureCount, options);
        a.Fit(p.Train, p.TrainLabels);
        b.Fit(p.Train, p.TrainLabels);
        Assert.Equal(a.Layer.Weight.ToArray(), b.Layer.Weight.ToArray());
    }

    [Fact]
    public void OptionsAndInputsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegressionOptions { Optimizer = "nope" });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegressionOptions { LearningRate = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegressionOptions { WeightDecay = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegressionOptions { Epochs = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticRegressionOptions { BatchSize = 0 });
        Assert.Equal("sgd-momentum", new LogisticRegressionOptions { Optimizer = "sgd-momentum" }.Optimizer);
        var model = new LogisticRegression(3);
        Assert.Throws<ArgumentException>(() => model.Fit([new SparseFeatures([0], [1f])], [2]));
        Assert.Throws<ArgumentException>(() => model.Fit([new SparseFeatures([3], [1f])], [1]));
        Assert.Throws<ArgumentException>(() => model.Fit([], []));
    }

    private sealed record Problem(
        BagOfWordsVectorizer Vectorizer,
        IReadOnlyList<SparseFeatures> Train,
        int[] TrainLabels,
        IReadOnlyList<SparseFeatures> Test,
        int[] TestLabels,
        IReadOnlyList<LabeledText> TrainItems,
        IReadOnlyList<LabeledText> TestItems);

    /// <summary>Logistic regression in double: mean BCE over each batch, gradient (σ(z) − t)·x / B, L2 λ·w on the weight
    /// only, and the update rules of torch.optim.SGD / Adam (coupled L2) / AdamW (decoupled), weights starting at 0, the
    /// batches taken in the order of one Rng(seed) Fisher–Yates shuffle per epoch.</summary>
    private sealed class Reference
    {
        private Reference(double[] w) => W = w;

        public double[] W { get; }

        public double B { get; private set; }

        public List<double> EpochLosses { get; } = [];

        public double Logit(SparseFeatures x)
        {
            var z = B;
            for (var k = 0; k < x.Count; k++)
            {
                z += x.Values[k] * W[x.Indices[k]];
            }

            return z;
        }

        public static Reference Train(IReadOnlyList<SparseFeatures> xs, int[] ys, int features, LogisticRegressionOptions o)
        {
            var r = new Reference(new double[features]);
            var (m, v) = (new double[features + 1], new double[features + 1]);
            var rng = new Rng(o.Seed);
            var order = Enumerable.Range(0, xs.Count).ToArray();
            var step = 0;
            for (var epoch = 0; epoch < o.Epochs; epoch++)
            {
                if (o.Shuffle)
                {
                    rng.Shuffle(order.AsSpan());
                }

                var total = 0.0;
                for (var start = 0; start < order.Length; start += o.BatchSize)
                {
                    var batch = order.Skip(start).Take(o.BatchSize).ToArray();
                    var g = new double[features + 1]; // last entry: the bias
                    foreach (var i in batch)
                    {
                        var z = r.Logit(xs[i]);
                        total += Math.Max(z, 0) - (z * ys[i]) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                        var d = (1 / (1 + Math.Exp(-z))) - ys[i];
                        for (var k = 0; k < xs[i].Count; k++)
                        {
                            g[xs[i].Indices[k]] += d * xs[i].Values[k] / batch.Length;
                        }

                        g[features] += d / batch.Length;
                    }

                    step++;
                    for (var j = 0; j <= features; j++)
                    {
                        var p = j < features ? r.W[j] : r.B;
                        var decay = j < features ? o.WeightDecay : 0;
                        var gj = g[j];
                        switch (o.Optimizer)
                        {
                            case "sgd":
                                p -= o.LearningRate * (gj + (decay * p));
                                break;
                            case "adam":
                            case "adamw":
                                if (o.Optimizer == "adam")
                                {
                                    gj += decay * p;
                                }
                                else
                                {
                                    p *= 1 - (o.LearningRate * decay);
                                }

                                m[j] = (0.9 * m[j]) + (0.1 * gj);
                                v[j] = (0.999 * v[j]) + (0.001 * gj * gj);
                                var mHat = m[j] / (1 - Math.Pow(0.9, step));
                                var vHat = v[j] / (1 - Math.Pow(0.999, step));
                                p -= o.LearningRate * mHat / (Math.Sqrt(vHat) + 1e-8);
                                break;
                            default:
                                throw new NotSupportedException(o.Optimizer);
                        }

                        if (j < features)
                        {
                            r.W[j] = p;
                        }
                        else
                        {
                            r.B = p;
                        }
                    }
                }

                r.EpochLosses.Add(total / order.Length);
            }

            return r;
        }
    }
}
