using System.Text.Json;
using Descent.Checkpoints;

namespace Descent.Nn.Lora;

/// <summary>
/// LoRA adapters in Hugging Face PEFT's files, both ways: a folder with <c>adapter_model.safetensors</c> (only the
/// adapter's tensors, named <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> / <c>….lora_B.weight</c>, plus
/// the biases of <see cref="LoraOptions.Bias"/> and the parameters of <see cref="LoraOptions.ModulesToSave"/>
/// under their model names) and <c>adapter_config.json</c> (PEFT's <c>LoraConfig</c> fields). Also exports a merged
/// model as one full safetensors checkpoint with the base model's names.
/// </summary>
/// <remarks>
/// Loading checks everything before it changes the model: the config (<c>peft_type</c> and
/// <c>target_modules</c> are required, as in PEFT; other fields take PEFT's defaults; each value must be in range),
/// that the targets exist and are <see cref="Linear"/> layers, and that the file holds exactly the expected tensors
/// with the shapes the base layers need. Every failure is a <see cref="CheckpointException"/> naming the file and
/// the key. Only what Descent's <see cref="Linear"/> supports is accepted: <c>fan_in_fan_out</c> (GPT-2's Conv1D),
/// <c>use_dora</c> and <c>lora_bias</c> must be false.
/// </remarks>
public static class PeftAdapterFiles
{
    /// <summary>The adapter weights' file name.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The adapter config's file name.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>The prefix PEFT gives every saved key (PeftModel → LoraModel → the wrapped model).</summary>
    public const string KeyPrefix = "base_model.model.";

    private static readonly string[] BiasNames = ["none", "all", "lora_only"];

    /// <summary>The keys <see cref="Save"/> writes for <paramref name="model"/> (adapters already applied), in
    /// state_dict order.</summary>
    public static IReadOnlyList<string> AdapterTensorNames(Module model, LoraOptions options) =>
        [.. Expected(model, options, Layers(model)).Select(e => KeyPrefix + e.Name)];

    /// <summary>Writes <c>adapter_model.safetensors</c> and <c>adapter_config.json</c> into
    /// <paramref name="directory"/> (created if needed), each atomically.</summary>
    /// <exception cref="ArgumentException">The model has no adapters.</exception>
    public static void Save(string directory, Module model, LoraOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        var layers = Layers(model);
        if (layers.Count == 0)
        {
            throw new ArgumentException("the model has no LoRA adapters to save (apply them with LoraAdapters.Apply)", nameof(model));
        }

        var state = model.StateDict();
        Directory.CreateDirectory(directory);
        SafetensorsFile.Write(
            Path.Combine(directory, WeightsFileName),
            Expected(model, options, layers).Select(e => SafetensorsTensor.FromTensor(KeyPrefix + e.Name, state[e.Name])),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" });
        AtomicFile.WriteAllBytes(Path.Combine(directory, ConfigFileName), ConfigJson(options));
    }

    /// <summary>Reads and validates <c>adapter_config.json</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="CheckpointException">The file is missing or malformed, a required key is absent, or a
    /// value is out of range or unsupported (the message names the key).</exception>
    public static LoraOptions ReadConfig(string directory, ulong seed = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var path = Path.Combine(directory, ConfigFileName);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CheckpointException($"{path}: cannot read the adapter config: {e.Message}", path, null, e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"{path}: the adapter config must be a JSON object", path, null);
        }

        var config = new ConfigReader(root, path);
        var peftType = config.String("peft_type", required: true);
        if (peftType != "LORA")
        {
            throw new CheckpointException($"{path}: peft_type is '{peftType}'; only LORA adapters are supported", path, "peft_type");
        }

        foreach (var unsupported in new[] { "fan_in_fan_out", "use_dora", "lora_bias" })
        {
            if (config.Bool(unsupported, false))
            {
                throw new CheckpointException(
                    $"{path}: {unsupported} is true; Descent's Linear layers store weights as [out, in] and support plain LoRA only (it must be false)",
                    path, unsupported);
            }
        }

        var (targetModules, targetPattern) = Targets(root, path);
        var bias = config.String("bias", required: false) ?? "none";
        var biasIndex = Array.IndexOf(BiasNames, bias);
        if (biasIndex < 0)
        {
            throw new CheckpointException($"{path}: bias is '{bias}'; expected one of {string.Join(", ", BiasNames)}", path, "bias");
        }

        return config.Build("target_modules", () => new LoraOptions
        {
            Rank = config.Int("r", 8),
            Alpha = config.Double("lora_alpha", 8),
            Dropout = config.Double("lora_dropout", 0),
            UseRsLora = config.Bool("use_rslora", false),
            Bias = (LoraBias)biasIndex,
            TargetModules = targetModules,
            TargetPattern = targetPattern,
            ModulesToSave = config.Strings("modules_to_save"),
            BaseModelNameOrPath = config.String("base_model_name_or_path", required: false),
            TaskType = config.String("task_type", required: false),
            Seed = seed,
        });
    }

    /// <summary>
    /// Reads the adapter in <paramref name="directory"/>, checks it against <paramref name="model"/> (which must not
    /// have adapters yet), applies adapters as its config says and sets their values from the file; returns the config.
    /// </summary>
    /// <exception cref="CheckpointException">The config or the weights are invalid or do not fit the model: a
    /// target matches no layer, a tensor is missing, unexpected or mis-shaped (the message names the key). The
    /// model is unchanged then.</exception>
    public static LoraOptions Load(string directory, Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = ReadConfig(directory);
        var path = Path.Combine(directory, WeightsFileName);
        var file = SafetensorsFile.Read(path);
        List<(string Name, Linear Layer)> targets;
        try
        {
            targets = LoraAdapters.Targets(model, options);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{Path.Combine(directory, ConfigFileName)}: {e.Message}", Path.Combine(directory, ConfigFileName), "target_modules", e);
        }

        var expected = Expected(model, options, targets);
        var names = expected.Select(e => KeyPrefix + e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            if (!names.Contains(tensor.Name))
            {
                throw new CheckpointException(
                    $"{path}: unexpected tensor '{tensor.Name}': it is not an adapter tensor of this model for the config's target_modules/bias/modules_to_save",
                    path, tensor.Name);
            }
        }

        foreach (var (name, shape) in expected)
        {
            if (!file.Contains(KeyPrefix + name))
            {
                throw new CheckpointException($"{path}: missing tensor '{KeyPrefix + name}' (shape [{string.Join(", ", shape)}])", path, KeyPrefix + name);
            }

            var stored = file[KeyPrefix + name];
            if (!stored.Shape.SequenceEqual(shape))
            {
                throw new CheckpointException(
                    $"{path}: tensor '{stored.Name}' has shape [{string.Join(", ", stored.Shape)}], but the base model needs [{string.Join(", ", shape)}] (r = {options.Rank})",
                    path, stored.Name);
            }
        }

        LoraAdapters.Apply(model, options);
        var state = model.StateDict();
        foreach (var (name, _) in expected)
        {
            file[KeyPrefix + name].FloatValues.CopyTo(state[name].Span);
        }

        return options;
    }

    /// <summary>Writes the model as a full safetensors checkpoint with the base model's names: every parameter
    /// and buffer except the adapters', each adapted weight with its update merged (the model is not changed).</summary>
    public static void ExportMerged(string path, Module model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var merged = LoraAdapters.Find(model).ToDictionary(a => $"{a.Name}.weight", a => a.Adapter, StringComparer.Ordinal);
        var tensors = model.NamedParameters()
            .Where(p => !LoraAdapters.IsLoraParameter(p.Name))
            .Select(p => SafetensorsTensor.FromTensor(p.Name, merged.TryGetValue(p.Name, out var a) ? a.MergedWeight() : p.Parameter))
            .Concat(model.NamedBuffers().Select(b => SafetensorsTensor.FromBuffer(b.Name, b.Buffer)));
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" });
    }

    /// <summary>PEFT's <c>adapter_config.json</c> for <paramref name="options"/> (fields in PEFT's order).</summary>
    public static byte[] ConfigJson(LoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("peft_type", "LORA");
            WriteNullable(w, "task_type", options.TaskType);
            WriteNullable(w, "base_model_name_or_path", options.BaseModelNameOrPath);
            w.WriteNull("revision");
            w.WriteNumber("r", options.Rank);
            WriteNumber(w, "lora_alpha", options.Alpha);
            WriteNumber(w, "lora_dropout", options.Dropout);
            if (options.TargetPattern is { } pattern)
            {
                w.WriteString("target_modules", pattern);
            }
            else
            {
                WriteList(w, "target_modules", options.TargetModules);
            }

            w.WriteString("bias", BiasNames[(int)options.Bias]);
            w.WriteBoolean("use_rslora", options.UseRsLora);
            w.WriteBoolean("fan_in_fan_out", false);
            w.WriteBoolean("init_lora_weights", true);
            w.WriteBoolean("use_dora", false);
            w.WriteBoolean("lora_bias", false);
            if (options.ModulesToSave.Count == 0)
            {
                w.WriteNull("modules_to_save");
            }
            else
            {
                WriteList(w, "modules_to_save", options.ModulesToSave);
            }

            w.WriteBoolean("inference_mode", true);
            w.WriteNull("layers_to_transform");
            w.WriteNull("layers_pattern");
            w.WriteStartObject("rank_pattern");
            w.WriteEndObject();
            w.WriteStartObject("alpha_pattern");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>target_modules: a list of names, a regular expression string, or the string "all-linear".</summary>
    private static (IReadOnlyList<string> Modules, string? Pattern) Targets(JsonElement root, string path)
    {
        if (!root.TryGetProperty("target_modules", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            throw new CheckpointException($"{path}: the required key 'target_modules' is missing", path, "target_modules");
        }

        return t.ValueKind switch
        {
            JsonValueKind.String when t.GetString() == LoraOptions.AllLinear => ([LoraOptions.AllLinear], null),
            JsonValueKind.String => ([], t.GetString()),
            JsonValueKind.Array when t.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => ([.. t.EnumerateArray().Select(e => e.GetString()!)], null),
            _ => throw new CheckpointException($"{path}: target_modules must be a list of module names or a regular expression string", path, "target_modules"),
        };
    }

    private static List<(string Name, Linear Layer)> Layers(Module model) =>
        [.. LoraAdapters.Find(model).Select(a => (a.Name, a.Adapter.Layer))];

    /// <summary>The tensors an adapter file holds for the model (state_dict names without the prefix) with their
    /// shapes, in state_dict order: per target layer A [r, in] and B [out, r], the biases the config trains and
    /// the parameters of modules_to_save.</summary>
    private static List<(string Name, int[] Shape)> Expected(Module model, LoraOptions options, List<(string Name, Linear Layer)> targets)
    {
        var result = new List<(string Name, int[] Shape)>();
        var saved = options.ModulesToSave
            .SelectMany(entry => model.NamedModules().Where(m => m.Name.Length > 0 && LoraAdapters.MatchesName(m.Name, entry)).Select(m => m.Name + "."))
            .ToList();
        var byName = targets.ToDictionary(t => t.Name, t => t.Layer, StringComparer.Ordinal);
        foreach (var (name, p) in model.NamedParameters())
        {
            if (LoraAdapters.IsLoraParameter(name))
            {
                continue;
            }

            var isBias = name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal);
            var owner = name.Contains('.', StringComparison.Ordinal) ? name[..name.LastIndexOf('.')] : string.Empty;
            if (saved.Any(s => name.StartsWith(s, StringComparison.Ordinal))
                || (isBias && options.Bias == LoraBias.All)
                || (isBias && options.Bias == LoraBias.LoraOnly && byName.ContainsKey(owner)))
            {
                result.Add((name, [.. p.Shape]));
            }

            if (name == $"{owner}.weight" && byName.TryGetValue(owner, out var layer) && ReferenceEquals(layer.Weight, p))
            {
                result.Add(($"{owner}.{LoraAdapter.AName}.weight", [options.Rank, layer.InFeatures]));
                result.Add(($"{owner}.{LoraAdapter.BName}.weight", [layer.OutFeatures, options.Rank]));
            }
        }

        return result;
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            w.WriteNumber(name, (long)value);
        }
        else
        {
            w.WriteNumber(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>Typed access to the config's keys; every error names the file and the key.</summary>
    private sealed class ConfigReader(JsonElement root, string path)
    {
        public string? String(string key, bool required)
        {
            if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return required ? throw Error(key, $"the required key '{key}' is missing") : null;
            }

            return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(key, $"{key} must be a string, got {v.ValueKind}");
        }

        public bool Bool(string key, bool fallback) => Get(key, fallback, v => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null, "true or false");

        public int Int(string key, int fallback) => Get(key, fallback, v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null, "an integer");

        public double Double(string key, double fallback) => Get(key, fallback, v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null, "a number");

        public IReadOnlyList<string> Strings(string key)
        {
            if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw Error(key, $"{key} must be a list of module names");
            }

            return [.. v.EnumerateArray().Select(e => e.GetString()!)];
        }

        /// <summary>Builds the options, turning a property's range error into an error naming its config key.</summary>
        public LoraOptions Build(string targetsKey, Func<LoraOptions> build)
        {
            try
            {
                var options = build();
                options.Validate();
                return options;
            }
            catch (ArgumentOutOfRangeException e)
            {
                var key = e.ParamName switch
                {
                    nameof(LoraOptions.Rank) => "r",
                    nameof(LoraOptions.Alpha) => "lora_alpha",
                    nameof(LoraOptions.Dropout) => "lora_dropout",
                    _ => e.ParamName,
                };
                throw Error(key ?? targetsKey, $"{key}: {e.Message.Split(Environment.NewLine)[0]}", e);
            }
            catch (ArgumentException e)
            {
                throw Error(targetsKey, $"{targetsKey}: {e.Message.Split(Environment.NewLine)[0]}", e);
            }
        }

        private T Get<T>(string key, T fallback, Func<JsonElement, T?> read, string expected)
            where T : struct
        {
            if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            return read(v) ?? throw Error(key, $"{key} must be {expected}, got {v.GetRawText()}");
        }

        private CheckpointException Error(string key, string message, Exception? inner = null) =>
            new($"{path}: {message}", path, key, inner);
    }
}
