using System.Globalization;
using System.Text.Json;
using Descent.Lab.Tasks;
using Descent.Nn;

namespace Descent.Experiments.Tabular;

/// <summary>
/// The MLP of a <c>csv</c> or <c>idx</c> task (<c>$.task.model</c>): <c>Linear, activation[, Dropout]</c> per hidden
/// layer, then a <c>Linear</c> to the outputs — the layout of <c>torch.nn.Sequential</c>, so the state-dict names are
/// PyTorch's (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …).
/// </summary>
/// <param name="Hidden">Hidden layer widths (default [64]; empty: a linear model).</param>
/// <param name="Activation">The activation after each hidden layer (default ReLU).</param>
/// <param name="Dropout">Dropout probability after each hidden activation, in [0, 1) (default 0: no dropout layers).</param>
public sealed record TabularModel(IReadOnlyList<int> Hidden, TabularActivation Activation, double Dropout)
{
    /// <summary>The defaults: one hidden layer of 64 ReLU units, no dropout.</summary>
    public static TabularModel Default { get; } = new([64], TabularActivation.Relu, 0);

    /// <summary>The spec names of the activations, in <see cref="TabularActivation"/> order.</summary>
    public static IReadOnlyList<string> ActivationNames { get; } = ["relu", "tanh", "gelu", "sigmoid"];

    /// <summary>How the model is written in fingerprints and descriptions, e.g. <c>64x32 relu dropout=0.1</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Hidden.Count == 0 ? "linear" : string.Join("x", Hidden))} {ActivationNames[(int)Activation]} dropout={Dropout:R}");

    /// <summary>Builds the model for <paramref name="inputs"/> features and <paramref name="outputs"/> outputs: the
    /// Linear layers initialized in order from <c>Rng(seed)</c> (PyTorch's default initialization), each dropout
    /// layer's masks from its own generator derived from the seed.</summary>
    public Sequential Build(int inputs, int outputs, int seed)
    {
        var rng = new Rng((ulong)seed);
        var layers = new List<Module>();
        var width = inputs;
        for (var i = 0; i < Hidden.Count; i++)
        {
            layers.Add(new Linear(width, Hidden[i], rng));
            layers.Add(Activation switch
            {
                TabularActivation.Relu => new Relu(),
                TabularActivation.Tanh => new Tanh(),
                TabularActivation.Gelu => new Gelu(),
                _ => new Sigmoid(),
            });
            if (Dropout > 0)
            {
                layers.Add(new Nn.Dropout(Dropout, unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + (ulong)i + 1)));
            }

            width = Hidden[i];
        }

        layers.Add(new Linear(width, outputs, rng));
        return new Sequential(layers);
    }

    /// <summary>Reads <c>$.task.model</c> (absent: <see cref="Default"/>); problems go to <paramref name="section"/>.</summary>
    public static TabularModel Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.TryGet("model", out var m))
        {
            return Default;
        }

        if (m.ValueKind != JsonValueKind.Object)
        {
            section.Error("model", $"must be an object such as {{\"hidden\": [64, 32], \"activation\": \"relu\", \"dropout\": 0.1}}, not {TaskSection.Describe(m)}");
            return Default;
        }

        foreach (var p in m.EnumerateObject().Where(p => p.Name is not ("hidden" or "activation" or "dropout")))
        {
            section.Error($"model.{p.Name}", "unknown property; the model has hidden, activation and dropout");
        }

        var hidden = Default.Hidden;
        if (m.TryGetProperty("hidden", out var h))
        {
            hidden = h.ValueKind == JsonValueKind.Array && h.EnumerateArray().All(w => w.TryGetInt32(out var x) && x is >= 1 and <= 4096)
                ? [.. h.EnumerateArray().Select(w => w.GetInt32())]
                : Invalid(section, "model.hidden", "must be an array of layer widths in [1, 4096], e.g. [64, 32] ([] for a linear model)", hidden);
        }

        var activation = Default.Activation;
        if (m.TryGetProperty("activation", out var a))
        {
            var index = a.ValueKind == JsonValueKind.String ? ActivationNames.ToList().IndexOf(a.GetString()!) : -1;
            activation = index >= 0
                ? (TabularActivation)index
                : Invalid(section, "model.activation", $"must be {string.Join(" or ", ActivationNames.Select(n => $"\"{n}\""))}", activation);
        }

        var dropout = Default.Dropout;
        if (m.TryGetProperty("dropout", out var d))
        {
            dropout = d.ValueKind == JsonValueKind.Number && d.GetDouble() is >= 0 and < 1
                ? d.GetDouble()
                : Invalid(section, "model.dropout", $"must be a number in [0, 1), not {TaskSection.Describe(d)}", dropout);
        }

        return new TabularModel(hidden, activation, dropout);
    }

    private static T Invalid<T>(TaskSection section, string key, string message, T fallback)
    {
        section.Error(key, message);
        return fallback;
    }
}
