using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Text.Transformers;

/// <summary>
/// Multi-head scaled dot-product self-attention with a padding mask, as in BERT: Q, K, V projections
/// (<c>query</c>, <c>key</c>, <c>value</c>), per head softmax(Q·Kᵀ/√d + maskBias)·V, heads concatenated.
/// The mask bias is 0 for real tokens and −10,000 for padding keys (Hugging Face's convention, which the exported
/// ONNX model uses); dropout on the attention probabilities in training mode. The attention itself is
/// <see cref="ScaledDotProductAttention"/> (<see cref="KernelPath"/>: <see cref="KernelPath.Auto"/> runs the fused kernel where
/// AVX-512 is available, <see cref="KernelPath.Reference"/> the unfused ops).
/// </summary>
public sealed class BertSelfAttention : Module
{
    /// <summary>The additive bias given to padded key positions.</summary>
    public const float MaskedBias = -10000f;

    /// <summary>Creates the projections (PyTorch <see cref="Linear"/> initialization).</summary>
    public BertSelfAttention(BertConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        NumHeads = config.NumHeads;
        HeadSize = config.HiddenSize / config.NumHeads;
        Query = RegisterModule("query", new Linear(config.HiddenSize, config.HiddenSize, rng));
        Key = RegisterModule("key", new Linear(config.HiddenSize, config.HiddenSize, rng));
        Value = RegisterModule("value", new Linear(config.HiddenSize, config.HiddenSize, rng));
        Dropout = RegisterModule("dropout", new Dropout(config.AttentionDropout, rng));
    }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Width of one head.</summary>
    public int HeadSize { get; }

    /// <summary>Query projection.</summary>
    public Linear Query { get; }

    /// <summary>Key projection.</summary>
    public Linear Key { get; }

    /// <summary>Value projection.</summary>
    public Linear Value { get; }

    /// <summary>Dropout on attention probabilities.</summary>
    public Dropout Dropout { get; }

    /// <summary>The attention kernel: the fused one (<see cref="KernelPath.Simd"/>; <see cref="KernelPath.Auto"/>, the
    /// default, where AVX-512 is available) or the unfused ops (<see cref="KernelPath.Reference"/>; see
    /// <see cref="ScaledDotProductAttention"/>).</summary>
    public KernelPath KernelPath { get; set; } = KernelPath.Auto;

    /// <summary>
    /// The additive attention bias [B, 1, 1, S] for a [B, S] 0/1 mask: 0 where the mask is 1, <see cref="MaskedBias"/>
    /// where it is 0.
    /// </summary>
    public static Tensor MaskBias(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Rank != 2)
        {
            throw new ArgumentException($"the mask must be [batch, length], got rank {mask.Rank}", nameof(mask));
        }

        var bias = new Tensor(mask.Shape[0], 1, 1, mask.Shape[1]);
        var src = mask.Span;
        var dst = bias.Span;
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = (1f - src[i]) * MaskedBias;
        }

        return bias;
    }

    /// <summary>Self-attention over [B, S, hidden] with an optional mask bias [B, 1, 1, S] (see <see cref="MaskBias"/>).</summary>
    public Tensor Forward(Tensor hidden, Tensor? maskBias)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Rank != 3)
        {
            throw new ArgumentException($"attention input must be [batch, length, hidden], got rank {hidden.Rank}", nameof(hidden));
        }

        return ScaledDotProductAttention.Forward(Query.Forward(hidden), Key.Forward(hidden), Value.Forward(hidden), NumHeads, maskBias,
            Dropout, KernelPath);
    }

    /// <summary>Self-attention without padding.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
