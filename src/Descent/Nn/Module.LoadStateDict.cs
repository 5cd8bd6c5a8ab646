namespace Descent.Nn;

public abstract partial class Module
{
    /// <summary>
    /// Copies parameters and buffers from <paramref name="stateDict"/> (PyTorch state_dict names, e.g.
    /// loaded from a safetensors file) into this module's tensors, outside of autodiff.
    /// </summary>
    /// <remarks>
    /// <para>Strict (the default): every key must match in name and shape, otherwise a
    /// <see cref="StateDictException"/> lists the missing, unexpected and mis-shaped keys and
    /// <em>nothing</em> is changed.</para>
    /// <para>Non-strict: the keys that match are loaded and the others are reported in the result. Unlike
    /// PyTorch, which raises on a size mismatch even when strict=False, mis-shaped keys are skipped and
    /// reported, so a checkpoint can be loaded into a model whose head was replaced.</para>
    /// <para>Either way a tensor holding NaN or ±∞ is rejected (<see cref="InvalidDataException"/> naming it) and nothing
    /// is changed: such weights only make a run diverge and be blamed on its learning rate.</para>
    /// </remarks>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var loaded = new List<string>();
        var missing = new List<string>();
        var mismatched = new List<StateDictMismatch>();
        var ownNames = NamedParameters().Select(p => p.Name).Concat(NamedBuffers().Select(b => b.Name)).ToList();
        foreach (var name in ownNames)
        {
            if (!stateDict.TryGetValue(name, out var source))
            {
                missing.Add(name);
            }
            else if (!own[name].Shape.SequenceEqual(source.Shape))
            {
                mismatched.Add(new StateDictMismatch(name, own[name].Shape.ToArray(), source.Shape.ToArray()));
            }
            else
            {
                loaded.Add(name);
            }
        }

        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var result = new LoadStateDictResult(loaded, missing, unexpected, mismatched);
        if (strict && !result.IsExactMatch)
        {
            throw new StateDictException(GetType().Name, result);
        }

        foreach (var name in loaded)
        {
            var values = stateDict[name].Span;
            if (Numerics.FiniteValues.IndexOfNonFinite(values) is var bad and >= 0)
            {
                throw new InvalidDataException(
                    $"state_dict tensor '{name}' holds {Training.DivergenceDetection.Describe(values[bad])} at element {bad}; weights must be finite "
                    + "(a checkpoint of a diverged run, or a corrupt file); nothing was loaded");
            }
        }

        foreach (var name in loaded)
        {
            stateDict[name].Span.CopyTo(own[name].Span);
        }

        return result;
    }
}
