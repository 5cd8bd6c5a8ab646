using Descent.Text.Data;

namespace Descent.Text.Classification;

/// <summary>
/// The bag-of-words baseline for spam detection: a <see cref="BagOfWordsVectorizer"/> fitted on the training texts and a
/// <see cref="LogisticRegression"/> trained by Descent on its features.
/// </summary>
/// <example>
/// <code>
/// var (train, test) = SpamAssassinCorpus.Split(SpamAssassinCorpus.Load(path), 0.2, seed: 0);
/// var model = BagOfWordsClassifier.Train(train, new BagOfWordsOptions(), new LogisticRegressionOptions { Optimizer = "adam" });
/// Console.WriteLine(model.Evaluate(test)); // accuracy, precision, recall, F1 (spam = positive)
/// </code>
/// </example>
public sealed class BagOfWordsClassifier
{
    private BagOfWordsClassifier(BagOfWordsVectorizer vectorizer, LogisticRegression model)
    {
        Vectorizer = vectorizer;
        Model = model;
    }

    /// <summary>The fitted vectorizer.</summary>
    public BagOfWordsVectorizer Vectorizer { get; }

    /// <summary>The trained logistic regression.</summary>
    public LogisticRegression Model { get; }

    /// <summary>Fits the vocabulary on <paramref name="train"/>'s texts and trains the model on their labels.</summary>
    public static BagOfWordsClassifier Train(IReadOnlyList<LabeledText> train, BagOfWordsOptions? vectorizerOptions = null,
        LogisticRegressionOptions? options = null, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var vectorizer = BagOfWordsVectorizer.Fit(train.Select(t => t.Text), vectorizerOptions);
        if (vectorizer.FeatureCount == 0)
        {
            throw new ArgumentException("the training texts have no term with the minimum document frequency", nameof(train));
        }

        var model = new LogisticRegression(vectorizer.FeatureCount, options);
        model.Fit(vectorizer.Transform(train.Select(t => t.Text)), train.Select(t => t.Label).ToArray(), progress);
        return new BagOfWordsClassifier(vectorizer, model);
    }

    /// <summary>p(spam | text).</summary>
    public float PredictProbability(string text) => Model.PredictProbability(Vectorizer.Transform(text));

    /// <summary>Accuracy, precision, recall and F1 on <paramref name="items"/> (spam = positive, threshold 0.5).</summary>
    public BinaryClassificationMetrics Evaluate(IReadOnlyList<LabeledText> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return BinaryClassificationMetrics.FromProbabilities(items.Select(t => t.Label).ToArray(), items.Select(t => PredictProbability(t.Text)).ToArray());
    }
}
