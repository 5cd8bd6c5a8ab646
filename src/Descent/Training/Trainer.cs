using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Training;

/// <summary>
/// Trains a classifier (cross-entropy by default, or any <see cref="Loss"/> of logits and class labels) — a configuration of the <see cref="Learner{TInput, TTarget}"/>: epochs of
/// mini-batches from a <see cref="DataLoader"/>, loss and accuracy per epoch (<see cref="AccuracyMetric"/>), evaluation on a
/// validation set after each epoch, early stopping on the validation loss (<see cref="EarlyStopping"/>),
/// <c>last.safetensors</c> and <c>best.safetensors</c> checkpoints written atomically and resume
/// (<see cref="Checkpointing"/>), progress reports (<see cref="ProgressReporter"/>), and a stop with a clear message when the
/// loss or the parameters become NaN or infinite (<see cref="DivergenceDetection"/>).
/// </summary>
/// <remarks>
/// <para>Checkpoints are <see cref="Checkpointing"/>'s; their training metadata also holds the metrics history
/// (<c>history</c>) and the early-stopping counters (<c>early_stopping</c>). A divergent epoch writes no checkpoint: the
/// last one is the last good state.</para>
/// <para>Resuming restores all of that and continues with the next epoch; the loader's epoch order is a function of its
/// seed and the epoch number, so a resumed run ends with exactly the weights of an uninterrupted one.</para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>The metadata key of the trainer's JSON state (<see cref="Checkpointing.MetadataKey"/>).</summary>
    public const string TrainerMetadataKey = Checkpointing.MetadataKey;

    /// <summary>The prefix of the model's tensors in a checkpoint (<see cref="Checkpointing.ModelPrefix"/>).</summary>
    public const string ModelPrefix = Checkpointing.ModelPrefix;

    /// <summary>Creates a trainer for <paramref name="model"/> updated by <paramref name="optimizer"/>.</summary>
    public Trainer(Module model, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Optimizer = optimizer;
        Options = options ?? new TrainerOptions();
    }

    /// <summary>The model.</summary>
    public Module Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>A learning-rate schedule stepped once after every epoch (a <see cref="ReduceOnPlateauScheduler"/> with the
    /// validation loss, or the training loss without validation); saved in and restored from checkpoints.</summary>
    public ILearningRateScheduler? Scheduler { get; init; }

    /// <summary>The loss of a batch's logits and labels, for training and the validation loss (default
    /// <see cref="CrossEntropyLoss"/>). For targets other than class labels (regression) use the
    /// <see cref="Learner{TInput, TTarget}"/>, which takes any loss.</summary>
    public Func<Tensor, int[], Tensor> Loss { get; init; } = new CrossEntropyLoss().Forward;

    /// <summary>Callbacks run before the trainer's own (which include checkpointing). An <see cref="IDataParallel"/> among
    /// them makes this one of several data-parallel processes: it trains on its shard of every batch and writes
    /// checkpoints only as rank 0.</summary>
    public IReadOnlyList<LearnerCallback> Callbacks { get; init; } = [];

    /// <summary>Called at the start of every epoch (0-based), e.g. for gradual unfreezing.</summary>
    public Action<int>? OnEpochStart { get; init; }

    /// <summary>Path of the last checkpoint in a folder.</summary>
    public static string LastPath(string directory) => Checkpointing.LastPathIn(directory);

    /// <summary>Path of the best checkpoint in a folder.</summary>
    public static string BestPath(string directory) => Checkpointing.BestPathIn(directory);

    /// <summary>Trains for <see cref="TrainerOptions.Epochs"/> epochs (minus those already done when resuming).</summary>
    public TrainingResult Fit(DataLoader train, Dataset? validation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var dir = Options.CheckpointDirectory;
        var history = new History();
        var best = new EarlyStopping(Options.EarlyStoppingPatience);
        var callbacks = new List<LearnerCallback>(Callbacks);
        var parallel = Callbacks.OfType<IDataParallel>().FirstOrDefault();
        if (parallel is { Ranks: > 1 })
        {
            train = train.Shard(parallel.Rank, parallel.Ranks);
        }

        if (OnEpochStart is { } onEpochStart)
        {
            callbacks.Add(new ActionCallback(LearnerEvent.BeforeEpoch, l => onEpochStart(l.Epoch)));
        }

        long steps = 0;
        callbacks.Add(new ActionCallback(LearnerEvent.AfterStep, _ => steps++));
        callbacks.Add(new DivergenceDetection { CheckParameters = true });
        callbacks.Add(new AccuracyMetric());
        if (progress is not null)
        {
            callbacks.Add(new ProgressReporter(progress));
        }

        callbacks.Add(history);
        callbacks.Add(best);
        Checkpointing? checkpointing = dir is null ? null : new Checkpointing(dir)
        {
            Resume = Options.Resume,
            Best = best,
            WritesFiles = parallel is null || parallel.Rank == 0,
        };
        if (checkpointing is not null)
        {
            callbacks.Add(checkpointing);
        }

        var learner = new Learner<Tensor, int[]>(Model, Optimizer, Model.Forward, Loss,
            new LearnerOptions { ScheduleInterval = ScheduleInterval.Epoch })
        {
            Scheduler = Scheduler,
            SampleCount = labels => labels.Length,
            Evaluation = validation is not null && validation.Count > 0
                ? metrics =>
                {
                    var (loss, accuracy) = Evaluate(Model, validation, Options.EvaluationBatchSize, Loss);
                    metrics[Learner.ValidationLossMetric] = loss;
                    metrics[ValidationAccuracyMetric] = accuracy;
                }
                : null,
            Cancellation = cancellationToken,
            Callbacks = callbacks,
        };

        string? divergence = null;
        try
        {
            learner.Fit(Options.Epochs, Learner.Batches(train), train.BatchCount);
        }
        catch (TrainingDivergedException e)
        {
            divergence = Diverged(e, dir);
        }

        return new TrainingResult
        {
            History = history.Epochs,
            BestEpoch = best.BestEpoch,
            StoppedEarly = best.Stopped,
            DivergenceMessage = divergence,
            ResumedFromEpoch = checkpointing?.ResumedFromEpoch ?? 0,
            Steps = steps,
            LastCheckpoint = dir is not null && File.Exists(LastPath(dir)) ? LastPath(dir) : null,
            BestCheckpoint = dir is not null && File.Exists(BestPath(dir)) ? BestPath(dir) : null,
        };
    }

    /// <summary>The epoch metric of the validation accuracy.</summary>
    private const string ValidationAccuracyMetric = "val_accuracy";

    /// <summary>Mean loss (<paramref name="loss"/>, default cross-entropy) and accuracy of <paramref name="model"/> on
    /// <paramref name="data"/>, in evaluation mode without recording (the model is left in evaluation mode).</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset data, int batchSize = 256, Func<Tensor, int[], Tensor>? loss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.Eval();
        loss ??= new CrossEntropyLoss().Forward;
        double sum = 0;
        long correct = 0;
        using (Tape.NoGrad())
        {
            foreach (var batch in new DataLoader(data, batchSize).Batches(0))
            {
                var logits = model.Forward(batch.Inputs);
                sum += (double)loss(logits, batch.Labels).Item() * batch.Count;
                correct += AccuracyMetric.CountCorrect(logits, batch.Labels);
            }
        }

        return data.Count == 0 ? (double.NaN, double.NaN) : (sum / data.Count, (double)correct / data.Count);
    }

    /// <summary>Loads the model weights of a checkpoint written by a trainer (or a plain state_dict file) into
    /// <paramref name="model"/>; see <see cref="Module.LoadStateDict"/> for <paramref name="strict"/>.</summary>
    public static LoadStateDictResult LoadWeights(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Load(path, strict);
    }

    /// <summary>The model state_dict in a checkpoint written by a trainer (tensors named <c>model.…</c>, the prefix
    /// removed) or in a plain state_dict file.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string path) => Checkpointing.ReadWeights(path);

    private string Diverged(TrainingDivergedException e, string? dir)
    {
        var lr = Optimizer.Groups.Count > 0 ? Optimizer.Groups[0].LearningRate.ToString("G4", CultureInfo.InvariantCulture) : "?";
        var last = dir is not null && File.Exists(LastPath(dir))
            ? $"the last good checkpoint is {LastPath(dir)} (kept unchanged)"
            : "no checkpoint had been written yet";
        return $"training stopped: {e.Reason} at epoch {e.Epoch + 1}, batch {e.Batch + 1} ({Optimizer.Name}, learning rate {lr}); {last}. " +
               "Try a smaller learning rate.";
    }

    /// <summary>The <see cref="EpochMetrics"/> of every epoch (restored on resume), with wall time and throughput.</summary>
    private sealed class History : LearnerCallback, ICheckpointState
    {
        private static readonly JsonSerializerOptions Json = new()
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        };

        private readonly Stopwatch clock = new();

        public List<EpochMetrics> Epochs { get; private set; } = [];

        public string StateKey => "history";

        public override void On(LearnerEvent e, Learner learner)
        {
            switch (e)
            {
                case LearnerEvent.BeforeEpoch:
                    clock.Restart();
                    break;
                case LearnerEvent.AfterEpoch:
                    var m = learner.Metrics;
                    var seen = learner.EpochSamples;
                    var seconds = clock.Elapsed.TotalSeconds;
                    Epochs.Add(new EpochMetrics(learner.Epoch + 1, m[Learner.TrainLossMetric],
                        m.TryGetValue("train_accuracy", out var a) ? a : double.NaN,
                        m.TryGetValue(Learner.ValidationLossMetric, out var vl) ? vl : null,
                        m.TryGetValue(ValidationAccuracyMetric, out var va) ? va : null,
                        seconds, seen / Math.Max(seconds, 1e-9)));
                    break;
            }
        }

        public JsonNode SaveState() => JsonSerializer.SerializeToNode(Epochs, Json)!;

        public void LoadState(JsonNode state)
        {
            Epochs = state.Deserialize<List<EpochMetrics>>(Json) ?? [];
        }
    }
}
