using Descent.Autodiff;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Training;

/// <summary>
/// A <see cref="Learner"/> over batches of (<typeparamref name="TInput"/>, <typeparamref name="TTarget"/>): either a model's
/// forward pass and any loss of prediction and target (a loss module's <c>Forward</c> or a function), back-propagated by
/// the learner, or — for a bare set of parameters such as a test function's point — a closure giving the loss value and
/// one setting the gradients.
/// </summary>
/// <typeparam name="TInput">The model's input (a tensor, a tokenized batch, …).</typeparam>
/// <typeparam name="TTarget">The target the loss compares the prediction with (class labels, a tensor, …).</typeparam>
/// <example>
/// <code>
/// var learner = new Learner&lt;Tensor, int[]&gt;(model, optimizer, model.Forward, new CrossEntropyLoss().Forward)
/// {
///     Callbacks = [new DivergenceDetection(), new EarlyStopping(patience: 3)],
///     Evaluation = m => m["val_loss"] = Trainer.Evaluate(model, validation).Loss,
/// };
/// learner.Fit(10, Learner.Batches(loader), loader.BatchCount);
/// </code>
/// </example>
public sealed class Learner<TInput, TTarget> : Learner
{
    private readonly Func<TInput, Tensor>? forward;
    private readonly Func<Tensor, TTarget, Tensor>? loss;
    private readonly Func<TInput, TTarget, double>? value;
    private readonly Action<TInput, TTarget>? gradient;
    private int pending;
    private Tensor? accumulationSeed;

    /// <summary>A learner for <paramref name="model"/> (its <c>Forward</c> applied to <see cref="Tensor"/> inputs or
    /// <paramref name="forward"/>) under <paramref name="loss"/>.</summary>
    /// <param name="model">The model (set to training mode each epoch, saved by checkpoints); null when
    /// <paramref name="forward"/> is not a module's.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="forward">The model's forward pass.</param>
    /// <param name="loss">The loss of a prediction and a target (scalar tensor; back-propagated).</param>
    /// <param name="options">Accumulation, clipping, schedule interval, step budget.</param>
    public Learner(Module? model, Optimizer optimizer, Func<TInput, Tensor> forward, Func<Tensor, TTarget, Tensor> loss, LearnerOptions? options = null)
        : base(model, optimizer, options)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(loss);
        this.forward = forward;
        this.loss = loss;
    }

    /// <summary>A learner for a bare set of parameters (those of <paramref name="optimizer"/>): per batch
    /// <paramref name="value"/> gives the loss and <paramref name="gradient"/> sets the parameters' gradients (analytic
    /// gradients, a test function).</summary>
    public Learner(Optimizer optimizer, Func<TInput, TTarget, double> value, Action<TInput, TTarget> gradient, LearnerOptions? options = null)
        : base(null, optimizer, options)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(gradient);
        this.value = value;
        this.gradient = gradient;
    }

    /// <summary>When set, the scope every batch runs in (e.g. a workspace cleared when the batch shape changes); otherwise
    /// <see cref="Learner.Workspace"/>'s.</summary>
    public Func<TInput, Workspace.Scope>? BatchScope { get; init; }

    /// <summary>Samples in a batch, the weight of its loss in the epoch's <c>train_loss</c>; null weighs every batch 1.</summary>
    public Func<TTarget, int>? SampleCount { get; init; }

    /// <summary>The current batch's input.</summary>
    public TInput? Input { get; private set; }

    /// <summary>The current batch's target.</summary>
    public TTarget? Target { get; private set; }

    /// <inheritdoc />
    public override object? CurrentTarget => Target;

    /// <summary>Trains for <paramref name="epochs"/> epochs (fewer after a resume, or when stopped or out of steps).</summary>
    /// <param name="epochs">Epochs in all (≥ 0).</param>
    /// <param name="data">The batches of a 0-based epoch.</param>
    /// <param name="batchesPerEpoch">Batches per epoch, for progress; null when unknown.</param>
    public LearnerResult Fit(int epochs, Func<int, IEnumerable<(TInput Input, TTarget Target)>> data, int? batchesPerEpoch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentNullException.ThrowIfNull(data);
        Epochs = epochs;
        BatchesPerEpoch = batchesPerEpoch;
        Epoch = 0;
        Step = 0;
        ResetStop();
        Fire(LearnerEvent.BeforeFit);
        var startEpoch = Epoch;
        var startStep = Step;
        for (; Epoch < epochs && !StopRequested && !OutOfSteps; Epoch++)
        {
            BeginEpoch();
            using (var batches = data(Epoch).GetEnumerator())
            {
                while (!OutOfSteps && batches.MoveNext())
                {
                    Cancellation.ThrowIfCancellationRequested();
                    var (input, target) = batches.Current;
                    TrainBatch(input, target);
                    Batch++;
                    if (StopRequested)
                    {
                        break;
                    }
                }
            }

            if (pending > 0)
            {
                OptimizerStep();
                pending = 0;
            }

            EndEpoch();
        }

        Fire(LearnerEvent.AfterFit);
        return new LearnerResult(startEpoch, Epoch, Step - startStep, StopRequested);
    }

    /// <summary>Trains on the same batches every epoch.</summary>
    public LearnerResult Fit(int epochs, IEnumerable<(TInput Input, TTarget Target)> data, int? batchesPerEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(epochs, _ => data, batchesPerEpoch);
    }

    /// <summary>One batch through the whole pipeline (events, backward, and the optimizer step when due), outside
    /// <see cref="Fit(int, Func{int, IEnumerable{ValueTuple{TInput, TTarget}}}, int?)"/> (e.g. for a caller that drives
    /// steps one by one); returns <see cref="Learner.Loss"/>.</summary>
    public double TrainBatch(TInput input, TTarget target)
    {
        using var scope = BatchScope is not null ? BatchScope(input) : Workspace is not null ? Workspace.Begin() : default;
        Input = input;
        Target = target;
        BatchSamples = SampleCount is null ? 1 : SampleCount(target);
        Fire(LearnerEvent.BeforeBatch);
        if (pending == 0)
        {
            Optimizer.ZeroGrad();
        }

        if (value is not null)
        {
            Prediction = null;
            LossTensor = null;
            Loss = value(input, target);
        }
        else
        {
            Prediction = forward!(input);
            LossTensor = loss!(Prediction, target);
            Loss = LossTensor.Item();
        }

        Fire(LearnerEvent.AfterLoss);
        Fire(LearnerEvent.BeforeBackward);
        if (gradient is not null)
        {
            gradient(input, target);
        }
        else if (Options.AccumulationSteps == 1)
        {
            LossTensor!.Backward();
        }
        else
        {
            if (accumulationSeed is null || !accumulationSeed.Shape.SequenceEqual(LossTensor!.Shape))
            {
                accumulationSeed = Tensor.Full((float)(1.0 / Options.AccumulationSteps), LossTensor!.Shape);
            }

            LossTensor.Backward(accumulationSeed);
        }

        pending++;
        Fire(LearnerEvent.AfterBackward);
        if (pending == Options.AccumulationSteps)
        {
            OptimizerStep();
            pending = 0;
        }

        EpochLossSum += Loss * BatchSamples;
        EpochSamples += BatchSamples;
        Fire(LearnerEvent.AfterBatch);
        return Loss;
    }

    private bool OutOfSteps => Options.MaxSteps is { } max && Step >= max;
}
