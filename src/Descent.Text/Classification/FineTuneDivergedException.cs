namespace Descent.Text.Classification;

/// <summary>
/// Thrown by <see cref="TextClassifierFineTuner"/> when a training step's loss is NaN or infinite: the run stops at that
/// step, before the update, instead of training on and reporting an accuracy from broken weights. The message names the
/// stage, epoch, step, loss and learning rates, and what to change.
/// </summary>
public sealed class FineTuneDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception for the step <paramref name="step"/> (1-based) of epoch <paramref name="epoch"/>.</summary>
    public FineTuneDivergedException(string stage, int epoch, int step, float loss, double learningRate, double headLearningRate)
        : base($"{stage}: the training loss became {Describe(loss)} at epoch {epoch}, step {step} (learning rate {learningRate:G3}, "
            + $"head {headLearningRate:G3}); the run was stopped there. Lower the learning rate (--lr) or use another optimizer.")
    {
        Stage = stage;
        Epoch = epoch;
        Step = step;
        Loss = loss;
    }

    /// <summary>Which training stage diverged: <c>"fine-tuning"</c> (the encoder trains) or <c>"head training"</c> (head mode, or the probe stage of LP-FT).</summary>
    public string Stage { get; }

    /// <summary>The epoch (1-based).</summary>
    public int Epoch { get; }

    /// <summary>The step within the epoch (1-based).</summary>
    public int Step { get; }

    /// <summary>The non-finite loss.</summary>
    public float Loss { get; }

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞";
}
