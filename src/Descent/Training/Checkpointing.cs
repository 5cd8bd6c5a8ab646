using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Descent.Checkpoints;
using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// Writes <c>last.safetensors</c> after every epoch and <c>best.safetensors</c> after every epoch that improved
/// (<see cref="Best"/>), and with <see cref="Resume"/> continues a run from <c>last.safetensors</c>: the learner's model,
/// optimizer and schedule, the epoch and step, the state of every <see cref="Dropout"/> generator, which parameters were
/// trainable, and the state of every callback that is an <see cref="ICheckpointState"/>.
/// </summary>
/// <remarks>
/// <para>A checkpoint holds the model's state_dict (tensor names prefixed <c>model.</c>; <c>num_batches_tracked</c> as I64
/// as in PyTorch), the optimizer's and schedule's state (see <see cref="OptimizerCheckpoint"/>), and in the metadata entry
/// <see cref="MetadataKey"/> a JSON object: <c>epoch</c> (completed), <c>step</c>, <c>generators</c>, <c>trainable</c> and
/// one property per stateful callback. Files are written through a temporary file, flushed and renamed, so a crash at any
/// moment leaves the previous checkpoint intact; best is written before last, so a crash between the two redoes the epoch
/// and best can never miss an improvement that last records. A diverged epoch writes nothing.</para>
/// <para>Resuming is exact when the data of an epoch is a function of the epoch number (a seeded
/// <see cref="DataLoader"/>): a resumed run ends with exactly the weights of an uninterrupted one.</para>
/// </remarks>
public sealed class Checkpointing : LearnerCallback
{
    /// <summary>The metadata key of the training state's JSON.</summary>
    public const string MetadataKey = "descent.trainer";

    /// <summary>The prefix of the model's tensors in a checkpoint.</summary>
    public const string ModelPrefix = "model.";

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Creates the callback for <paramref name="directory"/>.</summary>
    public Checkpointing(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>The folder of the checkpoints.</summary>
    public string Directory { get; }

    /// <summary>Continue from <c>last.safetensors</c> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Decides when <c>best.safetensors</c> is written (after an epoch that <see cref="EarlyStopping.Improved"/>);
    /// null writes none.</summary>
    public EarlyStopping? Best { get; init; }

    /// <summary>Whether checkpoints are written (default true); false on every process but the first in data-parallel
    /// training, where the first process writes and every process may resume.</summary>
    public bool WritesFiles { get; init; } = true;

    /// <summary>The epoch a resume restored (0 when none).</summary>
    public int ResumedFromEpoch { get; private set; }

    /// <summary>Path of the last checkpoint.</summary>
    public string LastPath => LastPathIn(Directory);

    /// <summary>Path of the best checkpoint.</summary>
    public string BestPath => BestPathIn(Directory);

    /// <summary>Path of the last checkpoint in a folder.</summary>
    public static string LastPathIn(string directory) => Path.Combine(directory, "last.safetensors");

    /// <summary>Path of the best checkpoint in a folder.</summary>
    public static string BestPathIn(string directory) => Path.Combine(directory, "best.safetensors");

    /// <summary>The model state_dict in a checkpoint (tensors named <c>model.…</c>, the prefix removed) or in a plain
    /// state_dict file.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string path)
    {
        var file = SafetensorsFile.Read(path);
        var prefixed = file.Tensors.Any(t => t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal));
        return file.Tensors
            .Where(t => !prefixed || t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal))
            .ToDictionary(t => prefixed ? t.Name[ModelPrefix.Length..] : t.Name, t => t.ToTensor(), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override void On(LearnerEvent e, Learner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        switch (e)
        {
            case LearnerEvent.BeforeFit:
                ResumedFromEpoch = 0;
                if (Resume && File.Exists(LastPath))
                {
                    Load(learner, LastPath);
                }

                break;
            case LearnerEvent.AfterEpoch when WritesFiles:
                if (Best is { Improved: true })
                {
                    Write(learner, BestPath);
                }

                Write(learner, LastPath);
                break;
        }
    }

    private static Module ModelOf(Learner learner) =>
        learner.Model ?? throw new InvalidOperationException("checkpoints need a learner with a model");

    private static void Write(Learner learner, string path)
    {
        var model = ModelOf(learner);
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, p) in model.NamedParameters())
        {
            tensors.Add(SafetensorsTensor.FromTensor(ModelPrefix + name, p));
        }

        foreach (var (name, b) in model.NamedBuffers())
        {
            tensors.Add(SafetensorsTensor.FromBuffer(ModelPrefix + name, b));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        OptimizerCheckpoint.AddTo(tensors, metadata, learner.Optimizer, model.NamedParameters(), learner.Scheduler);
        var state = new JsonObject
        {
            ["epoch"] = learner.Epoch + 1,
            ["step"] = learner.Step,
            ["generators"] = JsonSerializer.SerializeToNode(
                model.NamedModules().Where(m => m.Module is Dropout).ToDictionary(m => m.Name, m => SavedRng.From(((Dropout)m.Module).Rng.GetState())), Json),
            ["trainable"] = JsonSerializer.SerializeToNode(FineTuning.TrainableNames(model).ToList(), Json),
        };
        foreach (var c in learner.Callbacks.OfType<ICheckpointState>())
        {
            state[c.StateKey] = c.SaveState();
        }

        metadata[MetadataKey] = state.ToJsonString(Json);
        SafetensorsFile.Write(path, tensors, metadata);
    }

    private void Load(Learner learner, string path)
    {
        var model = ModelOf(learner);
        var file = SafetensorsFile.Read(path);
        if (!file.Metadata.TryGetValue(MetadataKey, out var json))
        {
            throw new CheckpointException($"{path}: not a training checkpoint (no '{MetadataKey}' metadata)");
        }

        var state = JsonNode.Parse(json) as JsonObject ?? throw new CheckpointException($"{path}: empty '{MetadataKey}' metadata");
        model.LoadStateDict(ReadWeights(path), strict: true);
        OptimizerCheckpoint.LoadFrom(file, learner.Optimizer, model.NamedParameters(), learner.Scheduler);
        var generators = state["generators"]?.Deserialize<Dictionary<string, SavedRng>>(Json) ?? [];
        foreach (var (name, module) in model.NamedModules())
        {
            if (module is Dropout d && generators.TryGetValue(name, out var rng))
            {
                d.Rng.SetState(rng.ToState());
            }
        }

        if (state["trainable"]?.Deserialize<List<string>>(Json) is { } trainable)
        {
            var set = new HashSet<string>(trainable, StringComparer.Ordinal);
            foreach (var (name, p) in model.NamedParameters())
            {
                p.RequiresGrad = set.Contains(name);
            }
        }

        foreach (var c in learner.Callbacks.OfType<ICheckpointState>())
        {
            if (state[c.StateKey] is { } saved)
            {
                c.LoadState(saved);
            }
        }

        var epoch = state["epoch"]?.GetValue<int>() ?? throw new CheckpointException($"{path}: no epoch in '{MetadataKey}'");
        learner.ResumeAt(epoch, state["step"]?.GetValue<long>() ?? 0);
        ResumedFromEpoch = epoch;
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
