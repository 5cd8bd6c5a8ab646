namespace Descent.Training;

/// <summary>Progress of a <see cref="Trainer"/> after a batch: position, running loss, throughput and the
/// estimated time to the end of training.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double SamplesPerSecond, TimeSpan EstimatedRemaining)
{
    /// <summary>Fraction of the whole run done, in [0, 1].</summary>
    public double Fraction => Epochs == 0 ? 1 : ((Epoch - 1) + ((double)Batch / Math.Max(Batches, 1))) / Epochs;
}
