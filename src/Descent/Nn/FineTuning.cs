using System.Text.RegularExpressions;
using Descent.Optimizers;

namespace Descent.Nn;

/// <summary>
/// Fine-tuning helpers: freeze and unfreeze parameters by name pattern, replace a classification head, and
/// build optimizer parameter groups with per-layer learning rates and no weight decay on biases and
/// normalization weights.
/// </summary>
/// <remarks>
/// Patterns match whole state_dict names with <c>*</c> (any characters, dots included) and <c>?</c> (one
/// character): <c>0.*</c> is the first layer of a <see cref="Sequential"/>, <c>*.bias</c> every bias,
/// <c>*</c> everything. Several patterns may be given, comma-separated (as on the command line).
/// </remarks>
public static class FineTuning
{
    /// <summary>Stops gradients for the parameters whose names match a pattern; returns their names.</summary>
    /// <exception cref="ArgumentException">A pattern matches no parameter (the message lists the names).</exception>
    public static IReadOnlyList<string> Freeze(Module model, params string[] patterns) => SetTrainable(model, patterns, false);

    /// <summary>Lets gradients flow again into the parameters whose names match a pattern; returns their names.</summary>
    public static IReadOnlyList<string> Unfreeze(Module model, params string[] patterns) => SetTrainable(model, patterns, true);

    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/> (see the remarks of the class).</summary>
    public static bool Matches(string name, string pattern)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = "^" + Regex.Escape(pattern.Trim()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The names of the parameters that currently receive gradients.</summary>
    public static IReadOnlyList<string> TrainableNames(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToList();
    }

    /// <summary>
    /// Replaces the last <see cref="Linear"/> of <paramref name="model"/> by a freshly initialized one with the
    /// same input size and <paramref name="numClasses"/> outputs; returns the new head.
    /// </summary>
    public static Linear ReplaceHead(Sequential model, int numClasses, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        for (var i = model.Count - 1; i >= 0; i--)
        {
            if (model[i] is Linear old)
            {
                var head = new Linear(old.InFeatures, numClasses, rng, old.Bias is not null);
                model.Replace(i, head);
                return head;
            }
        }

        throw new ArgumentException("the model has no Linear layer to replace", nameof(model));
    }

    /// <summary>
    /// True for parameters that conventionally get no weight decay: biases, and the weights of normalization
    /// layers (<see cref="BatchNorm"/>, <see cref="LayerNorm"/>).
    /// </summary>
    public static bool IsNoDecay(Module model, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameterName);
        if (parameterName == "bias" || parameterName.EndsWith(".bias", StringComparison.Ordinal))
        {
            return true;
        }

        var dot = parameterName.LastIndexOf('.');
        var owner = dot < 0 ? string.Empty : parameterName[..dot];
        var module = model.NamedModules().FirstOrDefault(m => m.Name == owner).Module;
        return module is BatchNorm or LayerNorm;
    }

    /// <summary>
    /// Parameter groups for an optimizer: each parameter gets the options <paramref name="optionsFor"/> returns
    /// for its name; parameters with equal options (records compare by value) share a group, in first-seen
    /// order. Typical use: <c>(name, o) =&gt; FineTuning.IsNoDecay(model, name) ? o with { WeightDecay = 0 } : o</c>,
    /// and a smaller learning rate for the pretrained body than for the new head.
    /// </summary>
    public static IReadOnlyList<(IEnumerable<Parameter> Parameters, TOptions Options)> Groups<TOptions>(
        Module model, Func<string, TOptions> optionsFor)
        where TOptions : OptimizerOptions
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optionsFor);
        var groups = new List<(List<Parameter> Parameters, TOptions Options)>();
        foreach (var (name, p) in model.NamedParameters())
        {
            var options = optionsFor(name);
            var i = groups.FindIndex(g => g.Options.Equals(options));
            if (i < 0)
            {
                groups.Add(([p], options));
            }
            else
            {
                groups[i].Parameters.Add(p);
            }
        }

        return groups.Select(g => ((IEnumerable<Parameter>)g.Parameters, g.Options)).ToList();
    }

    private static IReadOnlyList<string> SetTrainable(Module model, string[] patterns, bool trainable)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(patterns);
        var list = patterns.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var named = model.NamedParameters().ToList();
        var changed = new List<string>();
        foreach (var pattern in list)
        {
            var hits = named.Where(p => Matches(p.Name, pattern)).ToList();
            if (hits.Count == 0)
            {
                throw new ArgumentException(
                    $"pattern '{pattern}' matches no parameter; the parameters are: {string.Join(", ", named.Select(p => p.Name))}",
                    nameof(patterns));
            }

            foreach (var (name, p) in hits)
            {
                p.RequiresGrad = trainable;
                p.ZeroGrad();
                if (!changed.Contains(name))
                {
                    changed.Add(name);
                }
            }
        }

        return changed;
    }
}
