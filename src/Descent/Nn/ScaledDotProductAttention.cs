using System.Runtime.Intrinsics;
using Descent.Autodiff.Ops;
using Descent.Optimizers;

namespace Descent.Nn;

/// <summary>
/// Multi-head scaled dot-product attention on projections laid out as a <see cref="Linear"/> writes them: query, key
/// and value [B, S, H·d] (head h in columns h·d … h·d + d − 1), output [B, S, H·d]; per head
/// softmax(Q·Kᵀ/√d + maskBias) then dropout, times V (torch.nn.functional.scaled_dot_product_attention with an additive
/// mask and <c>dropout_p</c>, heads split and merged around it).
/// </summary>
/// <remarks>
/// <see cref="KernelPath.Reference"/> composes autodiff ops (reshape, permute, batched matmul, softmax,
/// <see cref="Dropout"/>), materializing the S × S scores and probabilities. <see cref="KernelPath.Simd"/> runs one fused
/// kernel per (batch, head), split across the cores: the block's Q, K, V copied into a per-thread scratch that stays in
/// cache, register-tiled products, the softmax over whole rows, no S × S matrix kept for backward (which recomputes the
/// probabilities from the saved logsumexp of each row). <see cref="KernelPath.Auto"/> (the default) runs the fused kernel
/// where Vector512 is hardware-accelerated (AVX-512; ≈ 4× faster than the unfused ops there, docs/transformer-kernels.md)
/// and the unfused ops elsewhere. The dropout mask is drawn from the <see cref="Dropout"/> layer's generator in the same
/// order on both paths (so a given seed drops the same probabilities) and kept as bits. The fused path needs a mask bias
/// that takes no gradient; given one that does, the reference path runs.
/// </remarks>
public static class ScaledDotProductAttention
{
    /// <summary>The attention of <paramref name="query"/>, <paramref name="key"/>, <paramref name="value"/> [B, S, H·d]
    /// with <paramref name="heads"/> heads.</summary>
    /// <param name="query">Queries [B, S, H·d].</param>
    /// <param name="key">Keys [B, S, H·d].</param>
    /// <param name="value">Values [B, S, H·d].</param>
    /// <param name="heads">Number of heads H (divides the width).</param>
    /// <param name="maskBias">Optional additive bias per key [B, 1, 1, S] (e.g. 0 for tokens, −10,000 for padding).</param>
    /// <param name="dropout">Optional dropout on the probabilities; active when it is in training mode with p &gt; 0.</param>
    /// <param name="path">Fused (<see cref="KernelPath.Simd"/>; <see cref="KernelPath.Auto"/> with AVX-512) or unfused
    /// (<see cref="KernelPath.Reference"/>; <see cref="KernelPath.Auto"/> without AVX-512).</param>
    public static Tensor Forward(Tensor query, Tensor key, Tensor value, int heads, Tensor? maskBias = null, Dropout? dropout = null,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if ((path == KernelPath.Simd || (path == KernelPath.Auto && Vector512.IsHardwareAccelerated)) && (maskBias is null || !maskBias.RequiresGrad))
        {
            var active = dropout is { IsTraining: true, P: > 0 };
            return AttentionOp.Forward(query, key, value, heads, maskBias, active ? dropout!.P : 0, dropout?.Rng);
        }

        if (query.Rank != 3 || heads <= 0 || query.Shape[2] % heads != 0)
        {
            throw new ArgumentException($"attention needs [batch, length, heads·headSize] inputs with the width divisible by {heads} heads, got shape {ShapeUtil.Format(query.Shape)}", nameof(query));
        }

        int b = query.Shape[0], s = query.Shape[1], h = heads, d = query.Shape[2] / heads;
        var q = query.Reshape(b, s, h, d).Permute(0, 2, 1, 3).Reshape(b * h, s, d);
        var kT = key.Reshape(b, s, h, d).Permute(0, 2, 3, 1).Reshape(b * h, d, s);
        var v = value.Reshape(b, s, h, d).Permute(0, 2, 1, 3).Reshape(b * h, s, d);
        var scores = (q.MatMul(kT) * (float)(1.0 / Math.Sqrt(d))).Reshape(b, h, s, s);
        if (maskBias is not null)
        {
            scores += maskBias;
        }

        var probs = scores.Softmax(-1);
        if (dropout is not null)
        {
            probs = dropout.Forward(probs);
        }

        return probs.Reshape(b * h, s, s).MatMul(v).Reshape(b, h, s, d).Permute(0, 2, 1, 3).Reshape(b, s, h * d);
    }
}
