using System.Diagnostics;

namespace Descent.Training;

/// <summary>Reports <see cref="TrainingProgress"/> after every batch: position, the epoch's running loss, throughput in
/// samples per second and the estimated time to the end of the fit (from the mean batch time so far).</summary>
public sealed class ProgressReporter : LearnerCallback
{
    private readonly IProgress<TrainingProgress> progress;
    private readonly Stopwatch clock = new();
    private readonly Stopwatch epochClock = new();
    private long batchesDone;

    /// <summary>Reports to <paramref name="progress"/>.</summary>
    public ProgressReporter(IProgress<TrainingProgress> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        this.progress = progress;
    }

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        switch (e)
        {
            case LearnerEvent.BeforeFit:
                clock.Restart();
                batchesDone = 0;
                break;
            case LearnerEvent.BeforeEpoch:
                epochClock.Restart();
                break;
            case LearnerEvent.AfterBatch:
                batchesDone++;
                var batches = learner.BatchesPerEpoch ?? 0;
                var b = learner.Batch + 1;
                var rate = learner.EpochSamples / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                var perBatch = clock.Elapsed.TotalSeconds / batchesDone;
                var remaining = (((long)batches * learner.Epochs) - ((long)learner.Epoch * batches) - b) * perBatch;
                progress.Report(new TrainingProgress(learner.Epoch + 1, learner.Epochs, b, batches, learner.EpochLoss, rate,
                    TimeSpan.FromSeconds(Math.Max(remaining, 0))));
                break;
        }
    }
}
