using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>Attention block: <c>self</c> (<see cref="BertSelfAttention"/>) then <c>output</c> (projection, residual, LayerNorm).</summary>
public sealed class BertAttention : Module
{
    /// <summary>Creates the block.</summary>
    public BertAttention(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Self = RegisterModule("self", new BertSelfAttention(config, rng));
        Output = RegisterModule("output", new BertResidualOutput(config.HiddenSize, config, rng));
    }

    /// <summary>Multi-head self-attention.</summary>
    public BertSelfAttention Self { get; }

    /// <summary>Output projection with residual and LayerNorm.</summary>
    public BertResidualOutput Output { get; }

    /// <summary>Applies the block to [B, S, hidden] with an optional mask bias [B, 1, 1, S].</summary>
    public Tensor Forward(Tensor hidden, Tensor? maskBias) => Output.Forward(Self.Forward(hidden, maskBias), hidden);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
