using System.Globalization;

namespace Descent.Training;

/// <summary>Thrown by <see cref="DivergenceDetection"/> when the loss or a parameter becomes NaN or infinite: names what
/// happened and where (epoch, batch and optimizer step).</summary>
public class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What happened, e.g. "the loss became NaN".</param>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="batch">The 0-based batch of the epoch.</param>
    /// <param name="step">Optimizer steps completed when it was detected.</param>
    /// <param name="loss">The batch's loss.</param>
    /// <param name="parameter">The name of the parameter that became non-finite, or null.</param>
    public TrainingDivergedException(string reason, int epoch, int batch, long step, double loss, string? parameter = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"training diverged: {reason} at epoch {epoch + 1}, batch {batch + 1} (step {step})"))
    {
        Reason = reason;
        Epoch = epoch;
        Batch = batch;
        Step = step;
        Loss = loss;
        Parameter = parameter;
    }

    /// <summary>What happened.</summary>
    public string Reason { get; }

    /// <summary>The 0-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>The 0-based batch within the epoch.</summary>
    public int Batch { get; }

    /// <summary>Optimizer steps completed when the divergence was detected.</summary>
    public long Step { get; }

    /// <summary>The batch's loss (possibly finite when a parameter diverged).</summary>
    public double Loss { get; }

    /// <summary>The parameter that became NaN or infinite, or null when the loss did.</summary>
    public string? Parameter { get; }
}
