using System.Globalization;

namespace Descent.Optimizers;

/// <summary>
/// Gradient accumulation over micro-batches: backpropagates each micro-batch's mean loss scaled by its share
/// of the full batch (micro-batch size / batch size, or 1/k for k equal micro-batches), so that the summed
/// gradients equal the gradient of the full batch's mean loss, and steps the optimizer once per full batch.
/// </summary>
/// <example>
/// <code>
/// var acc = new GradientAccumulator(optimizer, microBatchesPerStep: 4);
/// foreach (var (x, y) in microBatches)
/// {
///     acc.Backward(loss.Forward(model.Forward(x), y));
///     if (acc.IsReady)
///     {
///         GradientClipping.ClipGradNorm(model.Parameters(), 1.0);   // optional, on the full-batch gradient
///         acc.Step();                                              // optimizer.Step() + ZeroGrad()
///         scheduler.Step();
///     }
/// }
/// </code>
/// </example>
public sealed class GradientAccumulator
{
    /// <summary>Creates the accumulator.</summary>
    /// <param name="optimizer">The optimizer to step.</param>
    /// <param name="microBatchesPerStep">Micro-batches per optimizer step, ≥ 1.</param>
    public GradientAccumulator(Optimizer optimizer, int microBatchesPerStep)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (microBatchesPerStep < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(microBatchesPerStep), microBatchesPerStep,
                $"microBatchesPerStep must be an integer >= 1, got {microBatchesPerStep}");
        }

        Optimizer = optimizer;
        MicroBatchesPerStep = microBatchesPerStep;
    }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int MicroBatchesPerStep { get; }

    /// <summary>Micro-batches accumulated since the last step.</summary>
    public int Pending { get; private set; }

    /// <summary>Whether a full batch has been accumulated.</summary>
    public bool IsReady => Pending >= MicroBatchesPerStep;

    /// <summary>Backpropagates the mean loss of one of <see cref="MicroBatchesPerStep"/> equal micro-batches,
    /// scaled by 1/<see cref="MicroBatchesPerStep"/>.</summary>
    public void Backward(Tensor meanLoss) => Backward(meanLoss, 1.0 / MicroBatchesPerStep);

    /// <summary>Backpropagates the mean loss of a micro-batch of <paramref name="microBatchSize"/> samples out of
    /// a batch of <paramref name="batchSize"/> (for micro-batches of unequal sizes).</summary>
    public void Backward(Tensor meanLoss, int microBatchSize, int batchSize)
    {
        if (batchSize < 1 || microBatchSize < 1 || microBatchSize > batchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(microBatchSize), microBatchSize,
                $"microBatchSize must be in [1, batchSize = {batchSize}], got {microBatchSize}");
        }

        Backward(meanLoss, (double)microBatchSize / batchSize);
    }

    /// <summary>Backpropagates <paramref name="loss"/>·<paramref name="weight"/> (any weighting).</summary>
    public void Backward(Tensor loss, double weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!(weight >= 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight,
                $"weight must be finite and >= 0, got {weight.ToString("R", CultureInfo.InvariantCulture)}");
        }

        loss.Backward(Tensor.Full((float)weight, loss.Shape));
        Pending++;
    }

    /// <summary>When a full batch has been accumulated, steps the optimizer and clears the gradients.</summary>
    /// <returns>Whether the optimizer stepped.</returns>
    public bool Step() => IsReady && Flush();

    /// <summary>Steps the optimizer with whatever has been accumulated (e.g. the last, smaller batch of an
    /// epoch) and clears the gradients; false when nothing was pending.</summary>
    public bool Flush()
    {
        if (Pending == 0)
        {
            return false;
        }

        Optimizer.Step();
        Optimizer.ZeroGrad();
        Pending = 0;
        return true;
    }
}
