using Descent.Autodiff;
using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>The stack of <see cref="BertLayer"/>s, registered as <c>layer.0</c>, <c>layer.1</c>, … (Hugging Face names).</summary>
/// <remarks>In inference (<see cref="Tape.NoGrad"/>) inside a <see cref="Workspace"/> scope each layer runs as a
/// <see cref="Workspace.Stage{TState}"/>: a pass holds one layer's intermediates, not all of them (the same values).</remarks>
public sealed class BertEncoder : Module
{
    private readonly BertLayer[] layers;

    /// <summary>Creates <see cref="BertConfig.NumLayers"/> layers.</summary>
    public BertEncoder(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        layers = new BertLayer[config.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new BertLayer(config, rng);
        }

        Layers = RegisterModule("layer", new Sequential(layers));
    }

    /// <summary>The layers as a container (its children are named 0, 1, …).</summary>
    public Sequential Layers { get; }

    /// <summary>Layer <paramref name="index"/>.</summary>
    public BertLayer this[int index] => layers[index];

    /// <summary>Number of layers.</summary>
    public int Count => layers.Length;

    /// <summary>Applies every layer to [B, S, hidden] with an optional mask bias [B, 1, 1, S].</summary>
    public Tensor Forward(Tensor hidden, Tensor? maskBias)
    {
        foreach (var layer in layers)
        {
            hidden = Apply(layer, hidden, maskBias);
        }

        return hidden;
    }

    /// <summary>
    /// The input followed by every layer's output (Hugging Face's <c>hidden_states</c> with <c>output_hidden_states</c>):
    /// <see cref="Count"/> + 1 tensors [B, S, hidden], the last one equal to <see cref="Forward(Tensor, Tensor?)"/>.
    /// </summary>
    public IReadOnlyList<Tensor> HiddenStates(Tensor hidden, Tensor? maskBias)
    {
        var states = new Tensor[layers.Length + 1];
        states[0] = hidden;
        for (var i = 0; i < layers.Length; i++)
        {
            states[i + 1] = Apply(layers[i], states[i], maskBias);
        }

        return states;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>One layer, as a workspace stage (its intermediates released as it returns when nothing is recorded).</summary>
    private static Tensor Apply(BertLayer layer, Tensor hidden, Tensor? maskBias) =>
        Workspace.Stage((layer, hidden, maskBias), static s => s.layer.Forward(s.hidden, s.maskBias));
}
