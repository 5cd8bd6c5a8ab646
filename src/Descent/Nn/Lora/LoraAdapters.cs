using System.Text.RegularExpressions;

namespace Descent.Nn.Lora;

/// <summary>
/// Adds LoRA adapters to a model, as Hugging Face PEFT's <c>get_peft_model</c> with a <c>LoraConfig</c> does:
/// every <see cref="Linear"/> selected by <see cref="LoraOptions.TargetModules"/> or
/// <see cref="LoraOptions.TargetPattern"/> gets a <see cref="LoraAdapter"/>, and every other parameter is
/// frozen except the biases chosen by <see cref="LoraOptions.Bias"/> and the modules of
/// <see cref="LoraOptions.ModulesToSave"/>. Also merges, unmerges and removes the adapters.
/// </summary>
/// <example>
/// <code>
/// var layers = LoraAdapters.Apply(model, new LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] });
/// </code>
/// </example>
public static class LoraAdapters
{
    /// <summary>
    /// Attaches adapters to the target layers (A drawn in module order from a generator seeded with
    /// <see cref="LoraOptions.Seed"/>) and sets which parameters train; returns the adapted layers' names.
    /// </summary>
    /// <exception cref="ArgumentException">The options name no target; a target entry matches no module,
    /// matches a module that is not a <see cref="Linear"/>, or a layer already has an adapter; a
    /// <see cref="LoraOptions.ModulesToSave"/> entry matches no module. Nothing is changed then.</exception>
    public static IReadOnlyList<string> Apply(Module model, LoraOptions options)
    {
        var targets = Targets(model, options);
        var keep = ModulesToSave(model, options);
        foreach (var p in model.Parameters())
        {
            p.RequiresGrad = false;
            p.ZeroGrad();
        }

        var rng = new Rng(options.Seed);
        foreach (var (_, layer) in targets)
        {
            layer.Attach(new LoraAdapter(layer, options, rng));
        }

        foreach (var (name, p) in model.NamedParameters())
        {
            p.RequiresGrad = IsLoraParameter(name) || keep.Any(m => IsUnder(name, m)) || TrainsBias(options.Bias, name, targets);
        }

        return [.. targets.Select(t => t.Name)];
    }

    /// <summary>The layers of <paramref name="model"/> that carry an adapter, with their module names.</summary>
    public static IReadOnlyList<(string Name, LoraAdapter Adapter)> Find(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.NamedModules().Where(m => m.Module is Linear { Adapter: not null }).Select(m => (m.Name, ((Linear)m.Module).Adapter!))];
    }

    /// <summary>Merges every adapter into its base weight (see <see cref="LoraAdapter.Merge"/>).</summary>
    public static void Merge(Module model)
    {
        foreach (var (_, adapter) in Find(model))
        {
            adapter.Merge();
        }
    }

    /// <summary>Takes every merged update out of its base weight again (see <see cref="LoraAdapter.Unmerge"/>).</summary>
    public static void Unmerge(Module model)
    {
        foreach (var (_, adapter) in Find(model))
        {
            adapter.Unmerge();
        }
    }

    /// <summary>Merges every adapter and removes it (PEFT's <c>merge_and_unload</c>): the model is the base
    /// architecture again, with the fine-tuned weights. Parameters keep their trainable flags.</summary>
    public static void MergeAndUnload(Module model)
    {
        foreach (var (_, adapter) in Find(model))
        {
            adapter.Merge();
            adapter.Layer.Detach();
        }
    }

    /// <summary>Whether a state_dict name belongs to an adapter matrix (<c>….lora_A.weight</c>, <c>….lora_B.weight</c>).</summary>
    public static bool IsLoraParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Contains($".{LoraAdapter.AName}.", StringComparison.Ordinal)
            || name.Contains($".{LoraAdapter.BName}.", StringComparison.Ordinal)
            || name.StartsWith($"{LoraAdapter.AName}.", StringComparison.Ordinal)
            || name.StartsWith($"{LoraAdapter.BName}.", StringComparison.Ordinal);
    }

    /// <summary>Whether a state_dict name is a B matrix (<c>….lora_B.weight</c>): the matrices LoRA+ trains faster.</summary>
    public static bool IsLoraB(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Contains($".{LoraAdapter.BName}.", StringComparison.Ordinal) || name.StartsWith($"{LoraAdapter.BName}.", StringComparison.Ordinal);
    }

    /// <summary>Whether a module name is selected by PEFT's list semantics: equal to an entry or ending
    /// with <c>.</c> + the entry.</summary>
    public static bool MatchesName(string moduleName, string entry)
    {
        ArgumentNullException.ThrowIfNull(moduleName);
        ArgumentNullException.ThrowIfNull(entry);
        return moduleName == entry || moduleName.EndsWith("." + entry, StringComparison.Ordinal);
    }

    /// <summary>
    /// The layers <paramref name="options"/> select in <paramref name="model"/>, in module order, checked
    /// without changing anything (see <see cref="Apply"/> for the errors).
    /// </summary>
    internal static List<(string Name, Linear Layer)> Targets(Module model, LoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var modules = model.NamedModules().Where(m => m.Name.Length > 0 && !IsAdapterModule(m.Name)).ToList();
        var linears = modules.Where(m => m.Module is Linear).ToList();
        var selected = new List<(string Name, Module Module)>();
        if (options.TargetPattern is { } pattern)
        {
            var regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            selected.AddRange(modules.Where(m => regex.IsMatch(m.Name)));
            if (selected.Count == 0)
            {
                throw new ArgumentException(
                    $"target_modules pattern '{pattern}' matches no module; the linear layers are: {Names(linears)}", nameof(options));
            }
        }
        else if (options.TargetModules is [LoraOptions.AllLinear])
        {
            selected.AddRange(linears.Take(Math.Max(0, linears.Count - 1)));
            if (selected.Count == 0)
            {
                throw new ArgumentException($"target_modules '{LoraOptions.AllLinear}' needs a model with at least two Linear layers (the last one is the output layer)", nameof(options));
            }
        }
        else
        {
            foreach (var entry in options.TargetModules)
            {
                var hits = modules.Where(m => MatchesName(m.Name, entry)).ToList();
                if (hits.Count == 0)
                {
                    throw new ArgumentException(
                        $"target_modules entry '{entry}' matches no module of the model; the linear layers are: {Names(linears)}", nameof(options));
                }

                selected.AddRange(hits.Where(h => !selected.Contains(h)));
            }

            selected.Sort((a, b) => modules.IndexOf(a).CompareTo(modules.IndexOf(b)));
        }

        var result = new List<(string Name, Linear Layer)>();
        foreach (var (name, module) in selected)
        {
            if (module is not Linear linear)
            {
                throw new ArgumentException($"target_modules: '{name}' is a {module.GetType().Name}; LoRA adapts Linear layers only", nameof(options));
            }

            if (linear.Adapter is not null)
            {
                throw new ArgumentException($"target_modules: '{name}' already has a LoRA adapter", nameof(options));
            }

            result.Add((name, linear));
        }

        return result;
    }

    private static List<string> ModulesToSave(Module model, LoraOptions options)
    {
        var names = model.NamedModules().Select(m => m.Name).Where(n => n.Length > 0).ToList();
        var result = new List<string>();
        foreach (var entry in options.ModulesToSave)
        {
            var hits = names.Where(n => MatchesName(n, entry)).ToList();
            if (hits.Count == 0)
            {
                throw new ArgumentException($"modules_to_save entry '{entry}' matches no module of the model", nameof(options));
            }

            result.AddRange(hits);
        }

        return result;
    }

    private static bool TrainsBias(LoraBias bias, string name, List<(string Name, Linear Layer)> targets) => bias switch
    {
        LoraBias.All => name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal),
        LoraBias.LoraOnly => targets.Any(t => name == $"{t.Name}.bias"),
        _ => false,
    };

    private static bool IsUnder(string parameterName, string moduleName) =>
        parameterName.StartsWith(moduleName + ".", StringComparison.Ordinal);

    private static bool IsAdapterModule(string name) =>
        IsLoraParameter(name + ".") || MatchesName(name, LoraAdapter.DropoutName);

    private static string Names(List<(string Name, Module Module)> modules) =>
        modules.Count == 0 ? "(none)" : string.Join(", ", modules.Take(12).Select(m => m.Name)) + (modules.Count > 12 ? $", … ({modules.Count} in all)" : string.Empty);
}
