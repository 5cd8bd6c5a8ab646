using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Text.Classification;

/// <summary>
/// Binary logistic regression p(spam | x) = σ(w·x + b) on sparse features, trained by Descent: a <see cref="Linear"/>
/// layer (1 output) under <see cref="BceWithLogitsLoss"/> (mean over the batch), mini-batches built densely from the
/// sparse rows, any registry optimizer (<see cref="LogisticRegressionOptions"/>), with the L2 penalty applied to the
/// weight only (a <c>decay</c> / <c>no_decay</c> group split, <see cref="ParameterGroups.WeightDecaySplit"/>).
/// </summary>
/// <remarks>The weights start at zero (the objective is convex, so no random start is needed); the seed only drives
/// the per-epoch shuffling (one <see cref="Rng"/>, Fisher–Yates over the example indices).</remarks>
public sealed class LogisticRegression
{
    private readonly List<double> epochLosses = [];

    /// <summary>Creates an untrained model (all weights zero) over <paramref name="featureCount"/> features.</summary>
    public LogisticRegression(int featureCount, LogisticRegressionOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        Options = options ?? new LogisticRegressionOptions();
        Layer = new Linear(featureCount, 1, new Rng(Options.Seed));
        Layer.Weight.Span.Clear();
        Layer.Bias!.Span.Clear();
    }

    /// <summary>The training options.</summary>
    public LogisticRegressionOptions Options { get; }

    /// <summary>The layer: weight [1, features], bias [1].</summary>
    public Linear Layer { get; }

    /// <summary>Number of features.</summary>
    public int FeatureCount => Layer.InFeatures;

    /// <summary>The mean training loss of each epoch (mean of the batch losses weighted by batch size).</summary>
    public IReadOnlyList<double> EpochLosses => epochLosses;

    /// <summary>Trains on <paramref name="features"/> with labels 0/1 for <see cref="LogisticRegressionOptions.Epochs"/> epochs.</summary>
    /// <param name="features">The training rows.</param>
    /// <param name="labels">0 or 1 per row.</param>
    /// <param name="progress">Reports (epoch, mean loss) after each epoch.</param>
    public void Fit(IReadOnlyList<SparseFeatures> features, IReadOnlyList<int> labels, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count != labels.Count || features.Count == 0)
        {
            throw new ArgumentException($"need as many labels as rows (at least one): {features.Count} rows, {labels.Count} labels", nameof(labels));
        }

        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] is not (0 or 1))
            {
                throw new ArgumentException($"label {i} is {labels[i]}; expected 0 or 1", nameof(labels));
            }

            if (features[i].Count > 0 && features[i].Indices[^1] >= FeatureCount)
            {
                throw new ArgumentException($"row {i} has feature index {features[i].Indices[^1]} ≥ {FeatureCount}", nameof(features));
            }
        }

        var optimizer = CreateOptimizer();
        var rng = new Rng(Options.Seed);
        var order = Enumerable.Range(0, features.Count).ToArray();
        var batch = Math.Min(Options.BatchSize, features.Count);
        var dense = new float[batch * FeatureCount];
        var targets = new float[batch];

        // Mini-batches built densely from the sparse rows, reshuffled each epoch.
        IEnumerable<(Tensor, Tensor)> Batches(int epoch)
        {
            if (Options.Shuffle)
            {
                rng.Shuffle(order.AsSpan());
            }

            for (var start = 0; start < order.Length; start += batch)
            {
                var b = Math.Min(batch, order.Length - start);
                Array.Clear(dense, 0, b * FeatureCount);
                for (var r = 0; r < b; r++)
                {
                    var row = order[start + r];
                    features[row].ScatterTo(dense.AsSpan(r * FeatureCount, FeatureCount));
                    targets[r] = labels[row];
                }

                yield return (new Tensor(dense, 0, [b, FeatureCount]), new Tensor(targets, 0, [b, 1]));
            }
        }

        var learner = new Learner<Tensor, Tensor>(Layer, optimizer, Layer.Forward, new BceWithLogitsLoss().Forward)
        {
            SampleCount = t => t.Shape[0],
            Callbacks =
            [
                new ActionCallback(LearnerEvent.AfterEpoch, l =>
                {
                    epochLosses.Add(l.Metrics[Learner.TrainLossMetric]);
                    progress?.Report((l.Epoch + 1, epochLosses[^1]));
                }),
            ],
        };
        learner.Fit(Options.Epochs, Batches, (order.Length + batch - 1) / batch);
    }

    /// <summary>The logit w·x + b of one row (accumulated in double).</summary>
    public double Logit(SparseFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features.Dot(Layer.Weight.Span) + Layer.Bias!.Span[0];
    }

    /// <summary>p(label 1 | row) = σ(logit).</summary>
    public float PredictProbability(SparseFeatures features) => (float)(1.0 / (1.0 + Math.Exp(-Logit(features))));

    /// <summary>The probabilities of several rows.</summary>
    public float[] PredictProbabilities(IReadOnlyList<SparseFeatures> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features.Select(PredictProbability).ToArray();
    }

    private Optimizer CreateOptimizer()
    {
        var name = Options.Optimizer == "sgd-momentum" ? "sgd" : Options.Optimizer;
        var hp = new Dictionary<string, double>(StringComparer.Ordinal) { ["lr"] = Options.LearningRate };
        var declared = OptimizerRegistry.Get(name).HyperparameterNames;
        if (Options.Optimizer == "sgd-momentum")
        {
            hp["momentum"] = 0.9;
        }

        if (declared.Contains("weight_decay"))
        {
            hp["weight_decay"] = Options.WeightDecay;
        }
        else if (Options.WeightDecay > 0)
        {
            throw new ArgumentException($"optimizer {name} has no weight_decay; set WeightDecay to 0");
        }

        var plans = ParameterGroups.WeightDecaySplit(Layer.NamedParameters());
        return ParameterGroups.Create(name, plans, hp);
    }
}
