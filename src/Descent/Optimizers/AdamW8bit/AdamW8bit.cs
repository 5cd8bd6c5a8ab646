using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// bitsandbytes' <c>bnb.optim.AdamW8bit</c>: <see cref="Adam8bit"/> with AdamW's default weight decay 1e-2
/// (decoupled) — the same update and state, 8-bit block-wise moments by default, bfloat16 or float32 per moment
/// as chosen.
/// </summary>
/// <remarks>
/// <para>Update rule: as <see cref="Adam8bit"/> (p·(1 − lr·wd) before the Adam step on the CPU convention, after it
/// on the CUDA one). Defaults: lr 1e-3, β = (0.9, 0.999), ε 1e-8, weight decay 1e-2 (see
/// <see cref="AdamW8bitOptions"/>). Paper: Dettmers et al., ICLR 2022; Loshchilov &amp; Hutter, ICLR 2019. Differs
/// from <c>torch.optim.AdamW</c> in ε placement, the decay order (CUDA convention) and the quantized state.</para>
/// </remarks>
[Optimizer("adamw8bit", "bitsandbytes' AdamW8bit: 8-bit block-wise (or bf16) moments; equivalent to bnb.optim.AdamW8bit")]
public sealed class AdamW8bit : Adam8bitFamily<AdamW8bitOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public AdamW8bit(IEnumerable<Parameter> parameters, AdamW8bitOptions? options = null)
        : base(parameters, options ?? new AdamW8bitOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public AdamW8bit(IEnumerable<(IEnumerable<Parameter> Parameters, AdamW8bitOptions Options)> groups, AdamW8bitOptions? defaults = null)
        : base(groups, defaults ?? new AdamW8bitOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "AdamW8bit";
}
