using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>The first half of BERT's feed-forward block: exact GELU(dense(x)), parameters <c>dense.weight</c>, <c>dense.bias</c>.</summary>
public sealed class BertIntermediate : Module
{
    /// <summary>Creates the projection from the hidden size to the intermediate size.</summary>
    public BertIntermediate(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Dense = RegisterModule("dense", new Linear(config.HiddenSize, config.IntermediateSize, rng));
    }

    /// <summary>The projection.</summary>
    public Linear Dense { get; }

    /// <summary>GELU(dense(x)) with the exact (erf) GELU, fused into the projection's output (<see cref="Linear.ForwardGelu"/>).</summary>
    public override Tensor Forward(Tensor input) => Dense.ForwardGelu(input);
}
