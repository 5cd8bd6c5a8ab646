using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>
/// One BERT encoder layer (post-LayerNorm): <c>attention</c>, then the feed-forward block — <c>intermediate</c>
/// (dense to the intermediate size, exact GELU) and <c>output</c> (dense back, dropout, residual, LayerNorm).
/// </summary>
public sealed class BertLayer : Module
{
    /// <summary>Creates the layer.</summary>
    public BertLayer(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Attention = RegisterModule("attention", new BertAttention(config, rng));
        Intermediate = RegisterModule("intermediate", new BertIntermediate(config, rng));
        Output = RegisterModule("output", new BertResidualOutput(config.IntermediateSize, config, rng));
    }

    /// <summary>The attention block.</summary>
    public BertAttention Attention { get; }

    /// <summary>Dense to the intermediate size + GELU.</summary>
    public BertIntermediate Intermediate { get; }

    /// <summary>The feed-forward output with residual and LayerNorm.</summary>
    public BertResidualOutput Output { get; }

    /// <summary>Applies the layer to [B, S, hidden] with an optional mask bias [B, 1, 1, S].</summary>
    public Tensor Forward(Tensor hidden, Tensor? maskBias)
    {
        var attended = Attention.Forward(hidden, maskBias);
        return Output.Forward(Intermediate.Forward(attended), attended);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
