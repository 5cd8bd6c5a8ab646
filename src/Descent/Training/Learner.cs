using Descent.Autodiff;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Training;

/// <summary>
/// The one training loop (in the spirit of fastai's <c>Learner</c>): epochs of batches, each forward, loss, backward and —
/// every batch or every <see cref="LearnerOptions.AccumulationSteps"/> batches — gradient clipping, the optimizer step, an
/// EMA update and a per-step schedule; after each epoch an evaluation (with the EMA weights swapped in) and a per-epoch
/// schedule (a <see cref="ReduceOnPlateauScheduler"/> on a metric). Everything else — early stopping, checkpoints and
/// resume, progress, divergence detection, metrics — is a <see cref="LearnerCallback"/> run at named
/// <see cref="LearnerEvent"/>s. This base class holds the state callbacks read; <see cref="Learner{TInput, TTarget}"/>
/// adds the model's forward pass, the loss and the data.
/// </summary>
/// <remarks>
/// <para>Allocation: a step allocates nothing beyond what the model's operations and the optimizer allocate; run it in a
/// <see cref="Workspace"/> (<see cref="Workspace"/> or <see cref="Learner{TInput, TTarget}.BatchScope"/>) and the
/// operations' storage is recycled from step to step.</para>
/// <para>State visible to callbacks: <see cref="Epoch"/> (0-based), <see cref="Batch"/> (0-based within the epoch),
/// <see cref="Step"/> (optimizer steps completed), <see cref="Loss"/> and <see cref="Prediction"/> of the batch,
/// <see cref="Metrics"/> of the epoch (<c>train_loss</c>, then whatever the evaluation and callbacks add).</para>
/// </remarks>
public abstract class Learner
{
    /// <summary>The epoch metric of the mean training loss.</summary>
    public const string TrainLossMetric = "train_loss";

    /// <summary>The conventional name of the validation loss metric.</summary>
    public const string ValidationLossMetric = "val_loss";

    private readonly List<LearnerCallback> callbacks = [];
    private readonly Dictionary<string, double> metrics = new(StringComparer.Ordinal);
    private readonly Parameter[] parameters;
    private bool stopRequested;

    /// <summary>Creates the learner's state for <paramref name="optimizer"/>.</summary>
    private protected Learner(Module? model, Optimizer optimizer, LearnerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Optimizer = optimizer;
        Options = options ?? new LearnerOptions();
        parameters = [.. optimizer.Groups.SelectMany(g => g.Parameters)];
    }

    /// <summary>The model (its training mode is set at each epoch; checkpoints save it), or null for a bare set of
    /// parameters.</summary>
    public Module? Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public LearnerOptions Options { get; }

    /// <summary>The optimizer's parameters (clipped together).</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>The learning-rate schedule, stepped at <see cref="LearnerOptions.ScheduleInterval"/>; null for none.</summary>
    public ILearningRateScheduler? Scheduler { get; init; }

    /// <summary>An exponential moving average of the weights, updated after every optimizer step; null for none.</summary>
    public ExponentialMovingAverage? Ema { get; init; }

    /// <summary>When set, every batch runs in a scope of this workspace (intermediates recycled by the next batch).</summary>
    public Workspace? Workspace { get; init; }

    /// <summary>Computes the evaluation metrics at the end of every epoch into the given dictionary (e.g. <c>val_loss</c>);
    /// null for none.</summary>
    public Action<IDictionary<string, double>>? Evaluation { get; init; }

    /// <summary>Checked before every epoch and batch.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The callbacks, in the order they run at each event.</summary>
    public IList<LearnerCallback> Callbacks
    {
        get => callbacks;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            callbacks.AddRange(value);
        }
    }

    /// <summary>The current epoch (0-based); after a fit, the number of epochs completed.</summary>
    public int Epoch { get; private protected set; }

    /// <summary>The epochs of the current fit.</summary>
    public int Epochs { get; private protected set; }

    /// <summary>The current batch within the epoch (0-based).</summary>
    public int Batch { get; private protected set; }

    /// <summary>Batches per epoch when the data says (for progress), otherwise null.</summary>
    public int? BatchesPerEpoch { get; private protected set; }

    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; private protected set; }

    /// <summary>The current batch's loss value (callbacks at <see cref="LearnerEvent.AfterLoss"/> may add to it, e.g. a
    /// penalty; the epoch's <c>train_loss</c> averages these values).</summary>
    public double Loss { get; set; }

    /// <summary>The current batch's loss tensor (null for a closure that computes its own gradients).</summary>
    public Tensor? LossTensor { get; private protected set; }

    /// <summary>The current batch's model output (null for a closure).</summary>
    public Tensor? Prediction { get; private protected set; }

    /// <summary>Samples in the current batch (the weight of its loss in <c>train_loss</c>; 1 per batch unless the learner
    /// counts samples).</summary>
    public int BatchSamples { get; private protected set; }

    /// <summary>The sum of the current epoch's batch losses, each times its <see cref="BatchSamples"/>.</summary>
    public double EpochLossSum { get; private protected set; }

    /// <summary>The mean loss of the epoch so far (NaN before its first batch).</summary>
    public double EpochLoss => EpochSamples == 0 ? double.NaN : EpochLossSum / EpochSamples;

    /// <summary>Samples seen in the current epoch.</summary>
    public long EpochSamples { get; private protected set; }

    /// <summary>The current epoch's metrics (cleared at its start).</summary>
    public IDictionary<string, double> Metrics => metrics;

    /// <summary>Whether <see cref="Stop"/> was called during the current fit.</summary>
    public bool StopRequested => stopRequested;

    /// <summary>The current batch's target as an object (for callbacks that score predictions, e.g. accuracy).</summary>
    public abstract object? CurrentTarget { get; }

    /// <summary>Ends the fit: the epoch in progress skips its remaining batches, then ends normally (evaluation and
    /// <see cref="LearnerEvent.AfterEpoch"/>), and no further epoch starts.</summary>
    public void Stop() => stopRequested = true;

    /// <summary>Continues a resumed run at <paramref name="epoch"/> with <paramref name="step"/> optimizer steps done
    /// (called at <see cref="LearnerEvent.BeforeFit"/>, e.g. by <see cref="Checkpointing"/>).</summary>
    public void ResumeAt(int epoch, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        Epoch = epoch;
        Step = step;
    }

    /// <summary>The batches of a <see cref="DataLoader"/> as (inputs, labels) per epoch (its order is a function of its seed
    /// and the epoch, so a resumed run sees the same batches).</summary>
    public static Func<int, IEnumerable<(Tensor Input, int[] Target)>> Batches(DataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return epoch => loader.Batches(epoch).Select(b => (b.Inputs, b.Labels));
    }

    /// <summary>Runs every callback at <paramref name="e"/>.</summary>
    private protected void Fire(LearnerEvent e)
    {
        for (var i = 0; i < callbacks.Count; i++)
        {
            callbacks[i].On(e, this);
        }
    }

    private protected void ResetStop() => stopRequested = false;

    /// <summary>Clips the gradients, steps the optimizer, updates the EMA and a per-step schedule.</summary>
    private protected void OptimizerStep()
    {
        if (Options.MaxGradNorm is { } maxNorm)
        {
            GradientClipping.ClipGradNorm(parameters, maxNorm);
        }

        if (Options.ClipValue is { } clip)
        {
            GradientClipping.ClipGradValue(parameters, clip);
        }

        Fire(LearnerEvent.BeforeStep);
        Optimizer.Step();
        Ema?.Update();
        if (Options.ScheduleInterval == ScheduleInterval.Step && Scheduler is LearningRateScheduler schedule)
        {
            schedule.Step();
        }

        Step++;
        Fire(LearnerEvent.AfterStep);
    }

    /// <summary>The end of an epoch: its mean training loss, the evaluation, a per-epoch schedule and
    /// <see cref="LearnerEvent.AfterEpoch"/>.</summary>
    private protected void EndEpoch()
    {
        metrics[TrainLossMetric] = EpochLoss;
        if (Evaluation is not null)
        {
            var swap = Ema is not null && Options.EvaluateWithEma ? Ema.SwapIn() : null;
            try
            {
                Fire(LearnerEvent.BeforeEvaluate);
                Evaluation(metrics);
                Fire(LearnerEvent.AfterEvaluate);
            }
            finally
            {
                swap?.Dispose();
            }
        }

        if (Options.ScheduleInterval == ScheduleInterval.Epoch)
        {
            switch (Scheduler)
            {
                case ReduceOnPlateauScheduler plateau:
                    plateau.Step(metrics.TryGetValue(Options.PlateauMetric, out var m) ? m : metrics[TrainLossMetric]);
                    break;
                case LearningRateScheduler schedule:
                    schedule.Step();
                    break;
            }
        }

        Fire(LearnerEvent.AfterEpoch);
    }

    private protected void BeginEpoch()
    {
        Cancellation.ThrowIfCancellationRequested();
        metrics.Clear();
        Batch = 0;
        EpochSamples = 0;
        EpochLossSum = 0;
        Model?.Train();
        Fire(LearnerEvent.BeforeEpoch);
    }
}
