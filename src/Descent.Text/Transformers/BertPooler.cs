using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>BERT's pooler: tanh(dense(h[:, 0])) on the first ([CLS]) token's hidden state, parameters <c>dense</c>.</summary>
public sealed class BertPooler : Module
{
    /// <summary>Creates the pooler.</summary>
    public BertPooler(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Dense = RegisterModule("dense", new Linear(config.HiddenSize, config.HiddenSize, rng));
    }

    /// <summary>The projection.</summary>
    public Linear Dense { get; }

    /// <summary>[B, S, hidden] → [B, hidden].</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Dense.Forward(Pooling.FirstToken(input)).Tanh();
    }
}
