using System.Reflection;
using Module = Descent.Nn.Module;
using System.Text.Json;
using System.Text.Json.Serialization;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Schedulers;

namespace Descent.Checkpoints;

/// <summary>
/// Saves and restores an optimizer's state (and optionally its learning-rate schedule) in a safetensors file,
/// so that training N steps, saving, loading into freshly built objects and training M more equals N+M
/// uninterrupted steps bit for bit.
/// </summary>
/// <remarks>
/// <para>Layout: every state tensor is stored as F32 (packed low-precision state — 8-bit codes, bfloat16 moments —
/// as U8 or BF16, see <see cref="ParameterState.PackedBuffers"/>) under <c>state.&lt;parameter name&gt;.&lt;key&gt;</c> with
/// PyTorch's keys (<c>state.0.weight.exp_avg</c>, <c>state.fc.bias.momentum_buffer</c>); the metadata entry
/// <see cref="OptimizerMetadataKey"/> holds JSON with the optimizer's name, each group's name, initial
/// learning rate, hyperparameters (the options record, including the current learning rate) and parameter
/// names, and each parameter's step count; <see cref="SchedulerMetadataKey"/> holds the schedule's
/// <see cref="SchedulerState"/> as JSON. Parameters are matched by name (<see cref="Module.NamedParameters"/>).</para>
/// <para>Loading validates everything before changing anything: the optimizer type, the groups and their
/// parameter names, every expected state tensor and its shape. A mismatch throws
/// <see cref="CheckpointException"/> naming the file, the parameter and, for shapes, both shapes.</para>
/// <para>The parameters' values are not part of this state: save the model's state_dict alongside (e.g. in
/// the same file via <see cref="AddTo"/>).</para>
/// </remarks>
public static class OptimizerCheckpoint
{
    /// <summary>The metadata key of the optimizer JSON.</summary>
    public const string OptimizerMetadataKey = "descent.optimizer";

    /// <summary>The metadata key of the schedule JSON.</summary>
    public const string SchedulerMetadataKey = "descent.scheduler";

    /// <summary>The prefix of state tensor names.</summary>
    public const string TensorPrefix = "state.";

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Saves the state of <paramref name="optimizer"/> over <paramref name="module"/>'s parameters (and
    /// of <paramref name="scheduler"/>) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, Optimizer optimizer, Module module, ILearningRateScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(path, optimizer, module.NamedParameters(), scheduler);
    }

    /// <summary>Saves the state of <paramref name="optimizer"/> with parameters named by
    /// <paramref name="namedParameters"/> (and of <paramref name="scheduler"/>), atomically.</summary>
    public static void Save(string path, Optimizer optimizer, IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        ILearningRateScheduler? scheduler = null)
    {
        var tensors = new List<SafetensorsTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        AddTo(tensors, metadata, optimizer, namedParameters, scheduler);
        SafetensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Loads a state saved by <see cref="Save(string, Optimizer, Module, ILearningRateScheduler?)"/> into
    /// a freshly built optimizer over <paramref name="module"/> (and schedule).</summary>
    /// <exception cref="CheckpointException">The file is invalid or does not fit (the message says where).</exception>
    public static void Load(string path, Optimizer optimizer, Module module, ILearningRateScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        LoadFrom(SafetensorsFile.Read(path), optimizer, module.NamedParameters(), scheduler);
    }

    /// <summary>Loads a saved state with parameters named by <paramref name="namedParameters"/>.</summary>
    /// <exception cref="CheckpointException">The file is invalid or does not fit (the message says where).</exception>
    public static void Load(string path, Optimizer optimizer, IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        ILearningRateScheduler? scheduler = null) =>
        LoadFrom(SafetensorsFile.Read(path), optimizer, namedParameters, scheduler);

    /// <summary>Adds the optimizer's (and schedule's) state to tensors and metadata that will be written as one
    /// safetensors file (e.g. together with the model's weights).</summary>
    public static void AddTo(ICollection<SafetensorsTensor> tensors, IDictionary<string, string> metadata, Optimizer optimizer,
        IEnumerable<(string Name, Parameter Parameter)> namedParameters, ILearningRateScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(optimizer);
        var names = NameMap(namedParameters);
        var saved = new SavedOptimizer { Optimizer = optimizer.Name };
        for (var g = 0; g < optimizer.Groups.Count; g++)
        {
            var group = optimizer.Groups[g];
            var sg = new SavedGroup
            {
                Name = group.Name,
                InitialLr = group.InitialLearningRate,
                OptionsType = group.BaseOptions.GetType().Name,
                Options = JsonSerializer.SerializeToElement(group.BaseOptions, group.BaseOptions.GetType(), Json),
            };
            for (var i = 0; i < group.Parameters.Count; i++)
            {
                var p = group.Parameters[i];
                if (!names.TryGetValue(p, out var name))
                {
                    throw new ArgumentException(
                        $"parameter {i} of group {g} (shape {ShapeUtil.Format(p.Shape)}) is not among the named parameters; " +
                        "pass the module that owns it", nameof(namedParameters));
                }

                var sp = new SavedParameter { Name = name };
                if (optimizer.GetState(p) is { } state)
                {
                    sp.Step = state.Step;
                    foreach (var (key, t) in state.Tensors)
                    {
                        sp.Keys.Add(key);
                        tensors.Add(SafetensorsTensor.FromTensor($"{TensorPrefix}{name}.{key}", t));
                    }

                    foreach (var (key, b) in state.PackedBuffers)
                    {
                        sp.Keys.Add(key);
                        var values = new float[b.Length];
                        b.CopyTo(values);
                        tensors.Add(SafetensorsTensor.FromFloats($"{TensorPrefix}{name}.{key}", values, [.. b.Shape], b.DType));
                    }
                }

                sg.Parameters.Add(sp);
            }

            saved.Groups.Add(sg);
        }

        metadata[OptimizerMetadataKey] = JsonSerializer.Serialize(saved, Json);
        if (scheduler is not null)
        {
            metadata[SchedulerMetadataKey] = scheduler.GetState().ToJson();
        }
    }

    /// <summary>Loads the optimizer's (and schedule's) state from a safetensors file read already.</summary>
    /// <exception cref="CheckpointException">The state is invalid or does not fit (the message says where).</exception>
    public static void LoadFrom(SafetensorsFile file, Optimizer optimizer, IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        ILearningRateScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(optimizer);
        var path = file.Path;
        var byName = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (n, p) in namedParameters ?? throw new ArgumentNullException(nameof(namedParameters)))
        {
            byName[n] = p;
        }

        var names = NameMap(byName.Select(kv => (kv.Key, kv.Value)));
        if (!file.Metadata.TryGetValue(OptimizerMetadataKey, out var json))
        {
            throw new CheckpointException($"{path}: holds no optimizer state (no '{OptimizerMetadataKey}' metadata)", path, OptimizerMetadataKey);
        }

        SavedOptimizer saved;
        try
        {
            saved = JsonSerializer.Deserialize<SavedOptimizer>(json, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: the optimizer metadata is not valid: {e.Message}", path, OptimizerMetadataKey, e);
        }

        if (saved.Optimizer != optimizer.Name)
        {
            throw new CheckpointException($"{path}: holds the state of {saved.Optimizer}, but the optimizer is {optimizer.Name}", path);
        }

        if (saved.Groups.Count != optimizer.Groups.Count)
        {
            throw new CheckpointException(
                $"{path}: holds {saved.Groups.Count} parameter groups, but the optimizer has {optimizer.Groups.Count}", path);
        }

        var options = new OptimizerOptions[saved.Groups.Count];
        var states = new List<(Parameter Parameter, ParameterState? State)>();
        for (var g = 0; g < saved.Groups.Count; g++)
        {
            var sg = saved.Groups[g];
            var group = optimizer.Groups[g];
            options[g] = ReadOptions(sg, group, g, path);
            if (sg.Parameters.Count != group.Parameters.Count)
            {
                throw new CheckpointException(
                    $"{path}: group {g} holds {sg.Parameters.Count} parameters, but the optimizer's has {group.Parameters.Count}", path);
            }

            for (var i = 0; i < sg.Parameters.Count; i++)
            {
                var sp = sg.Parameters[i];
                var p = group.Parameters[i];
                var actual = names.TryGetValue(p, out var an) ? an : null;
                if (!byName.TryGetValue(sp.Name, out var named))
                {
                    throw new CheckpointException(
                        $"{path}: parameter '{sp.Name}' of the checkpoint is not in the model" +
                        (actual is null ? string.Empty : $" (the optimizer has '{actual}' in its place)"), path, sp.Name);
                }

                if (!ReferenceEquals(named, p))
                {
                    throw new CheckpointException(
                        $"{path}: group {g} position {i} is parameter '{sp.Name}' in the checkpoint, but " +
                        $"'{actual ?? "(unnamed)"}' in the optimizer", path, sp.Name);
                }

                states.Add((p, sp.Step is long step ? BuildState(file, optimizer, p, sp, step) : null));
            }
        }

        if (scheduler is not null)
        {
            if (!file.Metadata.TryGetValue(SchedulerMetadataKey, out var sjson))
            {
                throw new CheckpointException($"{path}: holds no schedule state (no '{SchedulerMetadataKey}' metadata)", path, SchedulerMetadataKey);
            }

            try
            {
                scheduler.LoadState(SchedulerState.FromJson(sjson));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new CheckpointException($"{path}: the schedule state does not fit: {e.Message}", path, SchedulerMetadataKey, e);
            }
        }

        for (var g = 0; g < options.Length; g++)
        {
            optimizer.Groups[g].BaseOptions = options[g];
            optimizer.Groups[g].InitialLearningRate = saved.Groups[g].InitialLr;
        }

        foreach (var (p, s) in states)
        {
            optimizer.SetParameterState(p, s);
        }
    }

    private static OptimizerOptions ReadOptions(SavedGroup sg, ParameterGroup group, int g, string path)
    {
        var type = group.BaseOptions.GetType();
        if (sg.OptionsType != type.Name)
        {
            throw new CheckpointException($"{path}: group {g} holds {sg.OptionsType}, but the optimizer uses {type.Name}", path);
        }

        try
        {
            var o = (OptimizerOptions?)sg.Options.Deserialize(type, Json) ?? throw new JsonException("null options");
            o.Validate();
            if (!(sg.InitialLr >= 0) || double.IsInfinity(sg.InitialLr))
            {
                throw new ArgumentOutOfRangeException(nameof(sg.InitialLr), sg.InitialLr, "initial_lr must be finite and >= 0");
            }

            return o;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException($"{path}: group {g}'s hyperparameters are not valid: {e.Message}", path, null, e);
        }
    }

    private static ParameterState BuildState(SafetensorsFile file, Optimizer optimizer, Parameter p, SavedParameter sp, long step)
    {
        var path = file.Path;
        if (step < 0)
        {
            throw new CheckpointException($"{path}: parameter '{sp.Name}': step {step} is negative", path, sp.Name);
        }

        var state = optimizer.CreateInitialState(p);
        state.Step = step;
        var fresh = state.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var packed = state.PackedBuffers.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var key in fresh.Keys.Concat(packed.Keys))
        {
            if (!sp.Keys.Contains(key))
            {
                throw new CheckpointException(
                    $"{path}: parameter '{sp.Name}': the checkpoint lacks the state '{key}' that {optimizer.Name} keeps", path, sp.Name);
            }
        }

        foreach (var key in sp.Keys)
        {
            var tensorName = $"{TensorPrefix}{sp.Name}.{key}";
            if (!file.Contains(tensorName))
            {
                throw new CheckpointException(
                    $"{path}: parameter '{sp.Name}': the state entry '{key}' (tensor '{tensorName}') is missing", path, sp.Name);
            }

            var saved = file[tensorName];
            if (saved.DType == SafetensorsDType.I64)
            {
                throw new CheckpointException($"{path}: parameter '{sp.Name}': state '{key}' is I64; expected a float tensor", path, sp.Name);
            }

            if (packed.TryGetValue(key, out var buffer))
            {
                CheckShape(path, sp.Name, key, saved.Shape, [.. buffer.Shape]);
                try
                {
                    buffer.CopyFrom(saved.FloatValues);
                }
                catch (ArgumentException e)
                {
                    throw new CheckpointException(
                        $"{path}: parameter '{sp.Name}': state '{key}' does not fit a {buffer.DType} buffer: {e.Message}", path, sp.Name, e);
                }
            }
            else if (fresh.TryGetValue(key, out var target))
            {
                CheckShape(path, sp.Name, key, saved.Shape, target.Shape);
                saved.FloatValues.CopyTo(target.Span);
            }
            else
            {
                // A tensor the optimizer creates lazily (SGD's momentum_buffer, AMSGrad's max_exp_avg_sq): set the
                // state's property named after the key.
                var property = LazyProperty(state, key) ?? throw new CheckpointException(
                    $"{path}: parameter '{sp.Name}': the checkpoint has state '{key}', which {optimizer.Name} does not keep", path, sp.Name);
                CheckShape(path, sp.Name, key, saved.Shape, p.Shape);
                property.SetValue(state, saved.ToTensor());
            }
        }

        return state;
    }

    private static void CheckShape(string path, string name, string key, IReadOnlyList<int> saved, ReadOnlySpan<int> expected)
    {
        if (!saved.SequenceEqual(expected.ToArray()))
        {
            throw new CheckpointException(
                $"{path}: parameter '{name}': state '{key}' has shape {ShapeUtil.Format([.. saved])} in the checkpoint, but the " +
                $"optimizer expects {ShapeUtil.Format(expected)} for this parameter", path, name);
        }
    }

    private static PropertyInfo? LazyProperty(ParameterState state, string key)
    {
        var pascal = string.Concat(key.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        var p = state.GetType().GetProperty(pascal, BindingFlags.Public | BindingFlags.Instance);
        return p is not null && p.PropertyType == typeof(Tensor) && p.GetSetMethod(nonPublic: true) is not null ? p : null;
    }

    private static Dictionary<Parameter, string> NameMap(IEnumerable<(string Name, Parameter Parameter)> namedParameters)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var map = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (n, p) in namedParameters)
        {
            map.TryAdd(p, n);
        }

        return map;
    }

    private sealed class SavedOptimizer
    {
        public string Optimizer { get; set; } = string.Empty;

        public List<SavedGroup> Groups { get; set; } = [];
    }

    private sealed class SavedGroup
    {
        public string? Name { get; set; }

        public double InitialLr { get; set; }

        public string OptionsType { get; set; } = string.Empty;

        public JsonElement Options { get; set; }

        public List<SavedParameter> Parameters { get; set; } = [];
    }

    private sealed class SavedParameter
    {
        public string Name { get; set; } = string.Empty;

        public long? Step { get; set; }

        public List<string> Keys { get; set; } = [];
    }
}
