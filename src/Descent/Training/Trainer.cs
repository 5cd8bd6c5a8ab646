using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Descent.Autodiff;
using Descent.Checkpoints;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Training;

/// <summary>
/// Trains a classifier with cross-entropy: epochs of mini-batches from a <see cref="DataLoader"/>, loss and
/// accuracy per epoch, evaluation on a validation set after each epoch, early stopping on the validation loss,
/// <c>last.safetensors</c> and <c>best.safetensors</c> checkpoints written atomically, resume, progress reports,
/// and a stop with a clear message when the loss or the parameters become NaN or infinite.
/// </summary>
/// <remarks>
/// <para>A checkpoint holds the model's state_dict (tensor names prefixed <c>model.</c>;
/// <c>num_batches_tracked</c> as I64 as in PyTorch), the optimizer's state (see
/// <see cref="OptimizerCheckpoint"/>) and the <see cref="Scheduler"/>'s, and in the metadata entry <see cref="TrainerMetadataKey"/> the completed
/// epochs, the metrics history, the early-stopping counters and the state of every <see cref="Dropout"/>
/// generator. It is written through a temporary file, flushed and renamed, so a crash at any moment leaves the
/// previous checkpoint intact.</para>
/// <para>Resuming restores all of that and continues with the next epoch; the loader's epoch order is a
/// function of its seed and the epoch number, so a resumed run ends with exactly the weights of an
/// uninterrupted one. A divergent epoch writes no checkpoint: the last one is the last good state.</para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>The metadata key of the trainer's JSON state.</summary>
    public const string TrainerMetadataKey = "descent.trainer";

    /// <summary>The prefix of the model's tensors in a checkpoint.</summary>
    public const string ModelPrefix = "model.";

    private readonly CrossEntropyLoss loss = new();

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

    /// <summary>Called at the start of every epoch (0-based), e.g. for gradual unfreezing.</summary>
    public Action<int>? OnEpochStart { get; init; }

    /// <summary>Path of the last checkpoint in a folder.</summary>
    public static string LastPath(string directory) => Path.Combine(directory, "last.safetensors");

    /// <summary>Path of the best checkpoint in a folder.</summary>
    public static string BestPath(string directory) => Path.Combine(directory, "best.safetensors");

    /// <summary>Trains for <see cref="TrainerOptions.Epochs"/> epochs (minus those already done when resuming).</summary>
    public TrainingResult Fit(DataLoader train, Dataset? validation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var state = new SavedTrainer();
        var dir = Options.CheckpointDirectory;
        if (dir is not null && Options.Resume && File.Exists(LastPath(dir)))
        {
            state = LoadCheckpoint(LastPath(dir));
        }

        var resumedFrom = state.Epoch;
        var history = state.History.ToList();
        long steps = 0;
        string? divergence = null;
        var stoppedEarly = false;
        var totalBatches = (long)train.BatchCount * Options.Epochs;
        var clock = Stopwatch.StartNew();
        long batchesDone = 0;
        for (var epoch = state.Epoch; epoch < Options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OnEpochStart?.Invoke(epoch);
            Model.Train();
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            var b = 0;
            foreach (var batch in train.Batches(epoch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Optimizer.ZeroGrad();
                var logits = Model.Forward(batch.Inputs);
                var l = loss.Forward(logits, batch.Labels);
                var value = l.Item();
                if (!float.IsFinite(value))
                {
                    divergence = Diverged($"the loss became {Describe(value)}", epoch, b, dir);
                    break;
                }

                l.Backward();
                Optimizer.Step();
                steps++;
                if (FirstNonFinite() is { } bad)
                {
                    divergence = Diverged($"parameter '{bad}' became NaN or infinite after the update", epoch, b, dir);
                    break;
                }

                lossSum += (double)value * batch.Count;
                correct += CountCorrect(logits, batch.Labels);
                seen += batch.Count;
                b++;
                batchesDone++;
                if (progress is not null)
                {
                    var rate = seen / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                    var perBatch = clock.Elapsed.TotalSeconds / batchesDone;
                    var remaining = (totalBatches - ((long)epoch * train.BatchCount) - b) * perBatch;
                    progress.Report(new TrainingProgress(epoch + 1, Options.Epochs, b, train.BatchCount, lossSum / seen, rate,
                        TimeSpan.FromSeconds(Math.Max(remaining, 0))));
                }
            }

            if (divergence is not null)
            {
                break;
            }

            double? valLoss = null;
            double? valAccuracy = null;
            if (validation is not null && validation.Count > 0)
            {
                var (vl, va) = Evaluate(Model, validation, Options.EvaluationBatchSize);
                valLoss = vl;
                valAccuracy = va;
            }

            var metrics = new EpochMetrics(epoch + 1, seen == 0 ? double.NaN : lossSum / seen, seen == 0 ? double.NaN : (double)correct / seen,
                valLoss, valAccuracy, epochClock.Elapsed.TotalSeconds, seen / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9));
            history.Add(metrics);
            state.Epoch = epoch + 1;
            state.History = history;
            var improved = valLoss is { } v ? v < state.BestValidationLoss : true;
            if (improved)
            {
                state.BestValidationLoss = valLoss ?? state.BestValidationLoss;
                state.BestEpoch = epoch + 1;
                state.EpochsWithoutImprovement = 0;
            }
            else
            {
                state.EpochsWithoutImprovement++;
            }

            switch (Scheduler)
            {
                case ReduceOnPlateauScheduler plateau:
                    plateau.Step(valLoss ?? metrics.TrainLoss);
                    break;
                case LearningRateScheduler schedule:
                    schedule.Step();
                    break;
            }

            if (dir is not null)
            {
                // best before last: a crash between the two writes resumes from the previous epoch and redoes this
                // one, so best.safetensors can never miss an improvement that last.safetensors already records.
                if (improved)
                {
                    WriteCheckpoint(BestPath(dir), state);
                }

                WriteCheckpoint(LastPath(dir), state);
            }

            if (Options.EarlyStoppingPatience is { } patience && state.EpochsWithoutImprovement >= patience)
            {
                stoppedEarly = true;
                break;
            }
        }

        return new TrainingResult
        {
            History = history,
            BestEpoch = state.BestEpoch,
            StoppedEarly = stoppedEarly,
            DivergenceMessage = divergence,
            ResumedFromEpoch = resumedFrom,
            Steps = steps,
            LastCheckpoint = dir is not null && File.Exists(LastPath(dir)) ? LastPath(dir) : null,
            BestCheckpoint = dir is not null && File.Exists(BestPath(dir)) ? BestPath(dir) : null,
        };
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="model"/> on <paramref name="data"/>, in
    /// evaluation mode without recording (the model is left in evaluation mode).</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.Eval();
        var ce = new CrossEntropyLoss();
        double sum = 0;
        long correct = 0;
        using (Tape.NoGrad())
        {
            foreach (var batch in new DataLoader(data, batchSize).Batches(0))
            {
                var logits = model.Forward(batch.Inputs);
                sum += (double)ce.Forward(logits, batch.Labels).Item() * batch.Count;
                correct += CountCorrect(logits, batch.Labels);
            }
        }

        return data.Count == 0 ? (double.NaN, double.NaN) : (sum / data.Count, (double)correct / data.Count);
    }

    /// <summary>Loads the model weights of a checkpoint written by a trainer (or a plain state_dict file) into
    /// <paramref name="model"/>; see <see cref="Module.LoadStateDict"/> for <paramref name="strict"/>.</summary>
    public static LoadStateDictResult LoadWeights(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.LoadStateDict(ReadWeights(path), strict);
    }

    /// <summary>The model state_dict in a checkpoint written by a trainer (tensors named <c>model.…</c>, the prefix
    /// removed) or in a plain state_dict file.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string path)
    {
        var file = SafetensorsFile.Read(path);
        var prefixed = file.Tensors.Any(t => t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal));
        return file.Tensors
            .Where(t => !prefixed || t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal))
            .ToDictionary(t => prefixed ? t.Name[ModelPrefix.Length..] : t.Name, t => t.ToTensor(), StringComparer.Ordinal);
    }

    private static int CountCorrect(Tensor logits, int[] labels)
    {
        var c = logits.Shape[^1];
        var s = logits.Span;
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var row = s.Slice(i * c, c);
            var best = 0;
            for (var j = 1; j < c; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }

            correct += best == labels[i] ? 1 : 0;
        }

        return correct;
    }

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞";

    private string Diverged(string what, int epoch, int batch, string? dir)
    {
        var lr = Optimizer.Groups.Count > 0 ? Optimizer.Groups[0].LearningRate.ToString("G4", CultureInfo.InvariantCulture) : "?";
        var last = dir is not null && File.Exists(LastPath(dir))
            ? $"the last good checkpoint is {LastPath(dir)} (kept unchanged)"
            : "no checkpoint had been written yet";
        return $"training stopped: {what} at epoch {epoch + 1}, batch {batch + 1} ({Optimizer.Name}, learning rate {lr}); {last}. " +
               "Try a smaller learning rate.";
    }

    private string? FirstNonFinite()
    {
        foreach (var (name, p) in Model.NamedParameters())
        {
            foreach (var v in p.Span)
            {
                if (!float.IsFinite(v))
                {
                    return name;
                }
            }
        }

        return null;
    }

    private void WriteCheckpoint(string path, SavedTrainer state)
    {
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, p) in Model.NamedParameters())
        {
            tensors.Add(SafetensorsTensor.FromTensor(ModelPrefix + name, p));
        }

        foreach (var (name, b) in Model.NamedBuffers())
        {
            tensors.Add(name.EndsWith("num_batches_tracked", StringComparison.Ordinal)
                ? SafetensorsTensor.FromInt64(ModelPrefix + name, b.Span.ToArray().Select(v => (long)v).ToArray(), [.. b.Shape])
                : SafetensorsTensor.FromTensor(ModelPrefix + name, b));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        OptimizerCheckpoint.AddTo(tensors, metadata, Optimizer, Model.NamedParameters(), Scheduler);
        state.Generators = Model.NamedModules().Where(m => m.Module is Dropout)
            .ToDictionary(m => m.Name, m => SavedRng.From(((Dropout)m.Module).Rng.GetState()));
        state.Trainable = FineTuning.TrainableNames(Model).ToList();
        metadata[TrainerMetadataKey] = JsonSerializer.Serialize(state, SavedTrainer.Json);
        SafetensorsFile.Write(path, tensors, metadata);
    }

    private SavedTrainer LoadCheckpoint(string path)
    {
        var file = SafetensorsFile.Read(path);
        if (!file.Metadata.TryGetValue(TrainerMetadataKey, out var json))
        {
            throw new CheckpointException($"{path}: not a training checkpoint (no '{TrainerMetadataKey}' metadata)");
        }

        var state = JsonSerializer.Deserialize<SavedTrainer>(json, SavedTrainer.Json)
            ?? throw new CheckpointException($"{path}: empty '{TrainerMetadataKey}' metadata");
        LoadWeights(Model, path, strict: true);
        OptimizerCheckpoint.LoadFrom(file, Optimizer, Model.NamedParameters(), Scheduler);
        foreach (var (name, module) in Model.NamedModules())
        {
            if (module is Dropout d && state.Generators.TryGetValue(name, out var rng))
            {
                d.Rng.SetState(rng.ToState());
            }
        }

        if (state.Trainable is { } trainable)
        {
            var set = new HashSet<string>(trainable, StringComparer.Ordinal);
            foreach (var (name, p) in Model.NamedParameters())
            {
                p.RequiresGrad = set.Contains(name);
            }
        }

        return state;
    }

    private sealed class SavedTrainer
    {
        public static readonly JsonSerializerOptions Json = new()
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        };

        public int Epoch { get; set; }

        public int BestEpoch { get; set; }

        public double BestValidationLoss { get; set; } = double.PositiveInfinity;

        public int EpochsWithoutImprovement { get; set; }

        public IReadOnlyList<EpochMetrics> History { get; set; } = [];

        public Dictionary<string, SavedRng> Generators { get; set; } = [];

        public List<string>? Trainable { get; set; }
    }

    private sealed class SavedRng
    {
        public string Seed { get; set; } = "0";

        public string[] S { get; set; } = [];

        public bool HasCachedNormal { get; set; }

        public double CachedNormal { get; set; }

        public static SavedRng From(RngState s) => new()
        {
            Seed = s.Seed.ToString(CultureInfo.InvariantCulture),
            S = [.. new[] { s.S0, s.S1, s.S2, s.S3 }.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            HasCachedNormal = s.HasCachedNormal,
            CachedNormal = s.CachedNormal,
        };

        public RngState ToState() => new(
            ulong.Parse(Seed, CultureInfo.InvariantCulture),
            ulong.Parse(S[0], CultureInfo.InvariantCulture),
            ulong.Parse(S[1], CultureInfo.InvariantCulture),
            ulong.Parse(S[2], CultureInfo.InvariantCulture),
            ulong.Parse(S[3], CultureInfo.InvariantCulture),
            HasCachedNormal,
            CachedNormal);
    }
}
