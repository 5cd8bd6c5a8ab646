using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// The split every Muon user needs: the 2-D weight matrices of hidden layers go to <see cref="Muon"/>; embeddings,
/// the output layer (head), biases, normalization weights and every other parameter that is not 2-D go to
/// <see cref="AdamW"/> — the recipe of Jordan et al. (2024) and of PyTorch's Muon documentation. The result is one
/// <see cref="CompositeOptimizer"/> that the Learner, schedules and checkpoints use as any optimizer.
/// </summary>
/// <example>
/// <code>
/// var optimizer = MuonParameterGroups.Create(model, new MuonOptions { LearningRate = 0.02 }, new AdamWOptions { LearningRate = 3e-4 });
/// </code>
/// </example>
public static class MuonParameterGroups
{
    /// <summary>The default rule for AdamW: a parameter that is not 2-D, one whose name has a segment containing
    /// <c>embed</c> (<c>embeddings.word_embeddings.weight</c>, <c>tok_embed.weight</c>) or named <c>wte</c>/<c>wpe</c>,
    /// one under a module named <c>head</c>, <c>lm_head</c>, <c>classifier</c> or <c>fc_out</c>, and the head: the last
    /// 2-D parameter in registration order (the output layer of a <see cref="Sequential"/>).</summary>
    public static IReadOnlyList<ParameterGroupPlan> Split(
        IEnumerable<(string Name, Parameter Parameter)> namedParameters, Func<string, Parameter, bool>? useAdamW = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        var all = namedParameters.ToList();
        var lastMatrix = all.FindLastIndex(p => p.Parameter.Rank == 2);
        var toAdamW = all.Select((p, i) => useAdamW?.Invoke(p.Name, p.Parameter)
            ?? (p.Parameter.Rank != 2 || i == lastMatrix || IsEmbeddingOrHead(p.Name))).ToList();
        var muon = all.Where((_, i) => !toAdamW[i]).ToList();
        var adamw = all.Where((_, i) => toAdamW[i]).ToList();
        foreach (var (name, p) in muon)
        {
            if (p.Rank != 2)
            {
                throw new ArgumentException(
                    $"the rule sends parameter '{name}' of shape {ShapeUtil.Format(p.Shape)} to Muon, which takes 2-D parameters only",
                    nameof(useAdamW));
            }
        }

        return [new("muon", muon, 1.0, false), new("adamw", adamw, 1.0, false)];
    }

    /// <summary>Muon (<paramref name="muon"/>, PyTorch's defaults when null) for the hidden matrices and AdamW
    /// (<paramref name="adamw"/>, its defaults when null) for the rest, by <see cref="Split"/>, as one optimizer whose
    /// groups are Muon's then AdamW's.</summary>
    public static CompositeOptimizer Create(IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        MuonOptions? muon = null, AdamWOptions? adamw = null, Func<string, Parameter, bool>? useAdamW = null)
    {
        var plans = Split(namedParameters, useAdamW);
        muon ??= new MuonOptions();
        adamw ??= new AdamWOptions();
        return new CompositeOptimizer(
            new Muon(plans[0].Parameters.Select(p => p.Parameter), muon),
            new AdamW(plans[1].Parameters.Select(p => p.Parameter), adamw));
    }

    /// <summary>As <see cref="Create(IEnumerable{ValueTuple{string, Parameter}}, MuonOptions?, AdamWOptions?, Func{string, Parameter, bool}?)"/>
    /// over <paramref name="model"/>'s parameters, with the weights of its <see cref="Embedding"/> modules on AdamW too.</summary>
    public static CompositeOptimizer Create(Module model, MuonOptions? muon = null, AdamWOptions? adamw = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var embeddings = new HashSet<Parameter>(
            model.NamedModules().Where(m => m.Module is Embedding).SelectMany(m => m.Module.Parameters()), ReferenceEqualityComparer.Instance);
        var named = model.NamedParameters().ToList();
        var head = named.LastOrDefault(p => p.Parameter.Rank == 2).Parameter;
        return Create(named, muon, adamw, (name, p) =>
            p.Rank != 2 || embeddings.Contains(p) || ReferenceEquals(p, head) || IsEmbeddingOrHead(name));
    }

    /// <summary>Whether a parameter name marks an embedding or an output head (see <see cref="Split"/>).</summary>
    public static bool IsEmbeddingOrHead(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var segments = name.Split('.');
        return segments.Any(s => s.Contains("embed", StringComparison.OrdinalIgnoreCase) || s is "wte" or "wpe")
            || segments.Take(segments.Length - 1).Any(s => s is "head" or "lm_head" or "classifier" or "fc_out");
    }
}
