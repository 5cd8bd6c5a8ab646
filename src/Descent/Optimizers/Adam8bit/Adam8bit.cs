using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// bitsandbytes' <c>bnb.optim.Adam8bit</c>: Adam whose moments are stored 8-bit block-wise (Dettmers et al.,
/// "8-bit Optimizers via Block-wise Quantization", ICLR 2022) — or, per moment, bfloat16 or float32
/// (<see cref="LowPrecisionMomentOptions.ExpAvgPrecision"/>, <see cref="LowPrecisionMomentOptions.ExpAvgSqPrecision"/>).
/// </summary>
/// <remarks>
/// <para>Update rule, per step t (exact float32 order in <see cref="BnbConvention"/>; c1 = 1 − β1ᵗ, c2 = √(1 − β2ᵗ)):</para>
/// <code>
/// m, v = dequantize(state1, absmax1, qmap1), dequantize(state2, absmax2, qmap2)
/// m = β1·m + (1 − β1)·g        v = β2·v + (1 − β2)·g²
/// p = p − lr/c1 · m / (√v/c2 + ε)        (CUDA: ε·c2 added to √v)
/// wd &gt; 0: p = p·(1 − lr·wd)                (decoupled, also for Adam8bit)
/// absmax = max |m| per block of 256; state1 = nearest code of m/absmax in the signed dynamic map (v: unsigned)
/// </code>
/// <para>Defaults: lr 1e-3, β = (0.9, 0.999), ε 1e-8, weight decay 0, min_8bit_size 4096, CUDA convention (see
/// <see cref="Adam8bitOptions"/>). Differs from <c>torch.optim.Adam</c>: weight decay is decoupled (bitsandbytes
/// runs Adam8bit and AdamW8bit through one kernel), ε is placed as above, and parameters of 4,096 elements or more
/// keep their moments in ≈ 2.03 bytes per parameter (codes + one float32 absmax per 256) instead of 8; smaller
/// ones keep float32 moments. A non-finite gradient element resets that element's m and v to 0 and leaves its
/// parameter unchanged; the rest of its block is updated normally (see docs/low-precision-states.md).</para>
/// </remarks>
[Optimizer("adam8bit", "bitsandbytes' Adam8bit: 8-bit block-wise (or bf16) moments, decoupled decay; equivalent to bnb.optim.Adam8bit")]
public sealed class Adam8bit : Adam8bitFamily<Adam8bitOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Adam8bit(IEnumerable<Parameter> parameters, Adam8bitOptions? options = null)
        : base(parameters, options ?? new Adam8bitOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Adam8bit(IEnumerable<(IEnumerable<Parameter> Parameters, Adam8bitOptions Options)> groups, Adam8bitOptions? defaults = null)
        : base(groups, defaults ?? new Adam8bitOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Adam8bit";
}
