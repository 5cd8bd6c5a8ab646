using Descent.Nn;
using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Sequence classification through the same features as head-only training, but differentiable end to end:
/// logits = head(standardize(pools(bert hidden states))) — the selected hidden states (<see cref="HeadFeatures.Layers"/>)
/// each pooled as selected (<see cref="HeadFeatures.Pooling"/>; masked mean and max, [CLS]) by
/// <see cref="Pooling.MaskedPools"/>, concatenated in <see cref="HiddenStatePools.Select"/>'s order, optionally
/// standardized with fixed statistics, into a head from <see cref="TextClassifierFineTuner.CreateHead"/>
/// (<c>bert.*</c>, <c>head.*</c>).
/// </summary>
/// <remarks>
/// The standardization is a fixed affine map (no parameters): its statistics are those of the pretrained encoder's
/// features on the training texts, the same map head-only training and the LP-FT probe use, so a probe's head computes
/// the same function here at the start. A trainable affine map would add nothing: it is absorbed by the head's first
/// linear layer.
/// </remarks>
public sealed class LayerPooledClassifier : Module
{
    private readonly int[] states;
    private readonly Tensor? shift;
    private readonly Tensor? scale;

    /// <summary>Wraps <paramref name="bert"/> and <paramref name="head"/> (whose input width must be the features').</summary>
    public LayerPooledClassifier(BertModel bert, HeadFeatures features, Sequential head, FeatureStandardizer? standardizer = null)
    {
        ArgumentNullException.ThrowIfNull(bert);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(head);
        var config = bert.Config;
        Features = features;
        Width = features.Dimension(config.HiddenSize, config.NumLayers);
        if (features.Standardize != standardizer is not null || (standardizer is not null && standardizer.Mean.Count != Width))
        {
            throw new ArgumentException($"features {features.Label} need {(features.Standardize ? $"a standardizer of {Width} columns" : "no standardizer")}",
                nameof(standardizer));
        }

        states = features.Layers == FeatureLayers.All ? [.. Enumerable.Range(0, config.NumLayers + 1)] : [config.NumLayers];
        if (standardizer is not null)
        {
            shift = Tensor.FromArray(standardizer.Mean.ToArray(), 1, Width);
            scale = Tensor.FromArray(standardizer.Scale.ToArray(), 1, Width);
        }

        Bert = RegisterModule("bert", bert);
        Head = RegisterModule("head", head);
    }

    /// <summary>The encoder.</summary>
    public BertModel Bert { get; }

    /// <summary>The head on the pooled features.</summary>
    public Sequential Head { get; }

    /// <summary>The pooled features.</summary>
    public HeadFeatures Features { get; }

    /// <summary>Feature width.</summary>
    public int Width { get; }

    /// <summary>The (standardized) features [B, <see cref="Width"/>].</summary>
    public Tensor Pool(BertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hidden = Bert.HiddenStates(input);
        var pooling = Features.Pooling;
        var pools = Pooling.MaskedPools([.. states.Select(i => hidden[i])], input.MaskTensor(), (pooling & SentencePooling.Mean) != 0,
            (pooling & SentencePooling.Max) != 0, (pooling & SentencePooling.Cls) != 0);
        return shift is null ? pools : (pools - shift) / scale!;
    }

    /// <summary>Logits [B, 2].</summary>
    public Tensor Forward(BertInput input) => Head.Forward(Pool(input));

    /// <summary>Logits for [B, S] token ids given as floats (no padding).</summary>
    public override Tensor Forward(Tensor input) => Forward(BertInput.FromTensor(input));
}
