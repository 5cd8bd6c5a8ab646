using Descent.Text.Classification;

namespace Descent.Experiments.Spam;

/// <summary>One trained spam classifier and its held-out scores.</summary>
/// <param name="Model">bow or minilm.</param>
/// <param name="Input">What the model read, e.g. "full text" or "first 128 BERT tokens".</param>
/// <param name="Optimizer">The optimizer name.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="Features">Input features (bag-of-words vocabulary size) or trainable parameters.</param>
/// <param name="Metrics">Scores on the test split (spam = positive).</param>
/// <param name="TrainSeconds">Wall-clock training time (vectorizing included for bow).</param>
public sealed record SpamRun(
    string Model,
    string Input,
    string Optimizer,
    double LearningRate,
    int Epochs,
    int BatchSize,
    long Features,
    BinaryClassificationMetrics Metrics,
    double TrainSeconds);
