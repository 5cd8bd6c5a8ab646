using System.Diagnostics;
using System.Globalization;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Text.Data;

namespace Descent.Experiments.Spam;

/// <summary>
/// The bag-of-words logistic-regression baseline of the spam task: for the full cleaned text and for the text cut to
/// the first <see cref="SpamSettings.MaxLength"/> BERT tokens (what MiniLM sees), and for each optimizer, a
/// <see cref="BagOfWordsClassifier"/> (tf-idf, sublinear tf, min df 2, top 20,000 terms, L2-normalised; zero-initialised
/// weights, batch 32, L2 1e-4 on the weights) trained on the training split and scored on the test split.
/// </summary>
public static class BowExperiment
{
    /// <summary>Default epochs.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>Mini-batch size.</summary>
    public const int BatchSize = 32;

    /// <summary>L2 penalty on the weights.</summary>
    public const double WeightDecay = 1e-4;

    /// <summary>Default optimizers.</summary>
    public static IReadOnlyList<string> DefaultOptimizers { get; } = ["adam"];

    /// <summary>The default learning rate of <paramref name="optimizer"/> for this model: SGD 1.0 (the features are
    /// unit vectors, so plain SGD needs a large step), SGD+momentum 0.1, anything else 0.01.</summary>
    public static double DefaultLearningRate(string optimizer) => optimizer switch
    {
        "sgd" => 1.0,
        "sgd-momentum" => 0.1,
        _ => 0.01,
    };

    /// <summary>Runs the baseline; <paramref name="log"/> receives one line per finished run.</summary>
    public static IReadOnlyList<SpamRun> Run(SpamSettings settings, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(log);
        var tokenizer = MiniLm.CreateTokenizer(settings.MaxLength);
        string Cut(string text) => TextTruncation.ToBertTokens(text, tokenizer);
        var inputs = new (string Name, IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test)[]
        {
            ("full text", train, test),
            (string.Create(CultureInfo.InvariantCulture, $"first {settings.MaxLength} BERT tokens"),
                train.Select(t => t with { Text = Cut(t.Text) }).ToList(), test.Select(t => t with { Text = Cut(t.Text) }).ToList()),
        };
        var runs = new List<SpamRun>();
        foreach (var input in inputs)
        {
            foreach (var optimizer in settings.Optimizers ?? DefaultOptimizers)
            {
                LogisticRegressionOptions options;
                try
                {
                    options = new LogisticRegressionOptions
                    {
                        Optimizer = optimizer,
                        LearningRate = settings.LearningRate ?? DefaultLearningRate(optimizer),
                        Epochs = settings.Epochs ?? DefaultEpochs,
                        BatchSize = BatchSize,
                        WeightDecay = WeightDecay,
                        Seed = (ulong)settings.Seed,
                    };
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new ExperimentException($"--optimizer {optimizer}: {e.Message.Split(Environment.NewLine)[0]}");
                }

                var watch = Stopwatch.StartNew();
                var model = BagOfWordsClassifier.Train(input.Train, new BagOfWordsOptions(), options);
                var seconds = watch.Elapsed.TotalSeconds;
                var metrics = model.Evaluate(input.Test);
                runs.Add(new SpamRun("bow", input.Name, optimizer, options.LearningRate, options.Epochs, options.BatchSize,
                    model.Vectorizer.FeatureCount, metrics, seconds));
                log(string.Create(CultureInfo.InvariantCulture,
                    $"bow {input.Name}, {optimizer}: {metrics} in {seconds:F1} s"));
            }
        }

        return runs;
    }
}
