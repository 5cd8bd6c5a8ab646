using System.Globalization;
using System.Text.RegularExpressions;
using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Builds the parameter groups commonly used for fine-tuning: no weight decay on biases and normalization
/// weights, and layer-wise learning-rate decay by depth (lower layers learn more slowly than the head).
/// </summary>
/// <example>
/// <code>
/// var plan = ParameterGroups.LayerwiseDecay(model.NamedParameters(), decay: 0.75);
/// var optimizer = ParameterGroups.Create("adamw", plan, new Dictionary&lt;string, double&gt; { ["lr"] = 1e-3, ["weight_decay"] = 0.05 });
/// </code>
/// </example>
public static partial class ParameterGroups
{
    /// <summary>The default rule for "no weight decay": tensors of rank ≤ 1 (biases, LayerNorm/BatchNorm
    /// weights — the common <c>p.ndim &lt;= 1</c> convention) and anything named <c>bias</c>.</summary>
    public static bool IsNoDecay(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Rank <= 1 || name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal);
    }

    /// <summary>Splits parameters into a <c>decay</c> group and a <c>no_decay</c> group (empty groups are
    /// omitted), by <paramref name="noDecay"/> (default <see cref="IsNoDecay"/>).</summary>
    public static IReadOnlyList<ParameterGroupPlan> WeightDecaySplit(
        IEnumerable<(string Name, Parameter Parameter)> namedParameters, Func<string, Parameter, bool>? noDecay = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        noDecay ??= IsNoDecay;
        var all = namedParameters.ToList();
        var plans = new List<ParameterGroupPlan>();
        var decayed = all.Where(p => !noDecay(p.Name, p.Parameter)).ToList();
        var plain = all.Where(p => noDecay(p.Name, p.Parameter)).ToList();
        if (decayed.Count > 0)
        {
            plans.Add(new("decay", decayed, 1.0, false));
        }

        if (plain.Count > 0)
        {
            plans.Add(new("no_decay", plain, 1.0, true));
        }

        return plans;
    }

    /// <summary>
    /// Layer-wise learning-rate decay: the parameters of layer i (found by <paramref name="layerPattern"/>, whose
    /// first group captures the layer index; default <c>layer.{i}.</c>, <c>layers.{i}.</c>, <c>blocks.{i}.</c>,
    /// <c>h.{i}.</c>, else a leading Sequential index <c>{i}.</c>) get learning-rate factor
    /// decay^(depth_max − depth). Depths count the distinct layer indices in order, starting at 1; parameters
    /// before the first layer (embeddings) have depth 0, those after the last (the head) depth L + 1, so the
    /// head keeps the base learning rate. With <paramref name="splitWeightDecay"/> each depth is further split
    /// by the no-weight-decay rule.
    /// </summary>
    /// <param name="namedParameters">The parameters with their names, in registration order.</param>
    /// <param name="decay">The per-layer factor, in (0, 1].</param>
    /// <param name="layerPattern">A regular expression whose first group captures the layer index.</param>
    /// <param name="splitWeightDecay">Also separate biases and normalization weights (no weight decay).</param>
    /// <param name="noDecay">The no-weight-decay rule (default <see cref="IsNoDecay"/>).</param>
    public static IReadOnlyList<ParameterGroupPlan> LayerwiseDecay(
        IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        double decay,
        Regex? layerPattern = null,
        bool splitWeightDecay = true,
        Func<string, Parameter, bool>? noDecay = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        if (!(decay > 0 && decay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay,
                $"decay must be in (0, 1], got {decay.ToString("R", CultureInfo.InvariantCulture)}");
        }

        noDecay ??= IsNoDecay;
        var all = namedParameters.ToList();
        var depths = Depths(all.Select(p => p.Name).ToList(), layerPattern);
        var max = depths.Count == 0 ? 0 : depths.Max();
        var plans = new List<ParameterGroupPlan>();
        for (var d = 0; d <= max; d++)
        {
            var members = all.Where((_, i) => depths[i] == d).ToList();
            var scale = Math.Pow(decay, max - d);
            var decayed = splitWeightDecay ? members.Where(p => !noDecay(p.Name, p.Parameter)).ToList() : members;
            var plain = splitWeightDecay ? members.Where(p => noDecay(p.Name, p.Parameter)).ToList() : [];
            if (decayed.Count > 0)
            {
                plans.Add(new($"layer.{d}", decayed, scale, false));
            }

            if (plain.Count > 0)
            {
                plans.Add(new($"layer.{d}.no_decay", plain, scale, true));
            }
        }

        return plans;
    }

    /// <summary>The depth of each name (see <see cref="LayerwiseDecay"/>).</summary>
    public static IReadOnlyList<int> Depths(IReadOnlyList<string> names, Regex? layerPattern = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var index = Match(names, layerPattern ?? NamedLayer());
        if (layerPattern is null && index.All(i => i is null))
        {
            index = Match(names, SequentialIndex());
        }

        var distinct = index.Where(i => i is not null).Select(i => i!.Value).Distinct().Order().ToList();
        var rank = distinct.Select((v, r) => (v, r)).ToDictionary(x => x.v, x => x.r + 1);
        var depths = new int[names.Count];
        var firstMatched = Array.FindIndex(index, i => i is not null);
        var lastMatched = Array.FindLastIndex(index, i => i is not null);
        var previous = 0;
        for (var i = 0; i < names.Count; i++)
        {
            if (index[i] is int v)
            {
                previous = depths[i] = rank[v];
            }
            else if (firstMatched < 0 || i < firstMatched)
            {
                depths[i] = 0;
            }
            else if (i > lastMatched)
            {
                depths[i] = distinct.Count + 1;
            }
            else
            {
                depths[i] = previous;
            }
        }

        return depths;
    }

    /// <summary>
    /// Creates optimizer <paramref name="optimizerName"/> (see <see cref="OptimizerRegistry"/>) with one group per
    /// plan: the learning rate is the base (<c>lr</c> in <paramref name="hyperparameters"/> or the optimizer's
    /// default) times the plan's factor, and <c>weight_decay</c> is 0 in no-decay groups. The optimizer's first
    /// group is created empty and unnamed; the planned groups follow, named after the plans.
    /// </summary>
    public static Optimizer Create(string optimizerName, IReadOnlyList<ParameterGroupPlan> plans,
        IReadOnlyDictionary<string, double>? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(optimizerName);
        ArgumentNullException.ThrowIfNull(plans);
        var hp = hyperparameters ?? new Dictionary<string, double>();
        var descriptor = OptimizerRegistry.Get(optimizerName);
        var optimizer = OptimizerRegistry.Create(optimizerName, [], hp);
        var baseLr = optimizer.Groups[0].LearningRate;
        var hasWeightDecay = descriptor.HyperparameterNames.Contains("weight_decay");
        foreach (var plan in plans)
        {
            ArgumentNullException.ThrowIfNull(plan, nameof(plans));
            var groupHp = new Dictionary<string, double>(hp, StringComparer.Ordinal) { ["lr"] = baseLr * plan.LearningRateScale };
            if (plan.NoWeightDecay && hasWeightDecay)
            {
                groupHp["weight_decay"] = 0;
            }

            var options = OptimizerRegistry.Create(optimizerName, [], groupHp).Groups[0].BaseOptions;
            optimizer.AddParameterGroup(plan.Parameters.Select(p => p.Parameter), options, plan.Name);
        }

        return optimizer;
    }

    /// <summary>The parameters of <paramref name="plans"/>, in plan order (e.g. for an optimizer with one group).</summary>
    public static IReadOnlyList<Parameter> ParametersOf(IEnumerable<ParameterGroupPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        return [.. plans.SelectMany(p => p.Parameters).Select(p => p.Parameter)];
    }

    private static int?[] Match(IReadOnlyList<string> names, Regex pattern) =>
    [
        .. names.Select(n =>
        {
            var m = pattern.Match(n);
            return m.Success && m.Groups.Count > 1 && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v
                : (int?)null;
        }),
    ];

    [GeneratedRegex(@"(?:^|\.)(?:layer|layers|blocks|block|h)\.(\d+)\.")]
    private static partial Regex NamedLayer();

    [GeneratedRegex(@"^(\d+)\.")]
    private static partial Regex SequentialIndex();
}
