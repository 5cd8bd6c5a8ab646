using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Adam with decoupled weight decay; equivalent to <c>torch.optim.AdamW</c>.
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇
/// p = p·(1 − lr·wd)
/// m = β1·m + (1 − β1)·g          v = β2·v + (1 − β2)·g²
/// amsgrad: v_max = max(v_max, v), used instead of v
/// p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// <para>ε placement follows <c>EpsilonConvention</c> (<see cref="AdamEpsilonConvention"/>): PyTorch's (default),
/// Keras / scikit-learn's "epsilon hat", or Optax's eps_root inside the root.</para>
/// <para>Defaults: lr 1e-3, β = (0.9, 0.999), ε 1e-8, weight decay 1e-2 (see <see cref="AdamWOptions"/>).
/// Paper: Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019. The decay is multiplied
/// by the learning rate, as in PyTorch and Optax. State as <see cref="Adam"/>.</para>
/// <para>Moment storage: float32 by default (equal to PyTorch bit for bit); <c>ExpAvgPrecision</c> /
/// <c>ExpAvgSqPrecision</c> (<see cref="LowPrecisionMomentOptions"/>) store either moment as bfloat16 (nearest even, or
/// stochastic rounding) or 8-bit block-wise (bitsandbytes' dynamic maps, 256 per absmax) for parameters of at least
/// <c>min_8bit_size</c> elements — the same float32 update between a decode and an encode of each block (4 or ≈ 2.03
/// bytes per parameter instead of 8; see docs/low-precision-states.md).</para>
/// </remarks>
[Optimizer("adamw", "AdamW (Loshchilov & Hutter 2019), decoupled decay; equivalent to torch.optim.AdamW")]
public sealed class AdamW : AdamFamily<AdamWOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public AdamW(IEnumerable<Parameter> parameters, AdamWOptions? options = null)
        : base(parameters, options ?? new AdamWOptions(), decoupled: true)
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public AdamW(IEnumerable<(IEnumerable<Parameter> Parameters, AdamWOptions Options)> groups, AdamWOptions? defaults = null)
        : base(groups, defaults ?? new AdamWOptions(), decoupled: true)
    {
    }

    /// <inheritdoc />
    public override string Name => "AdamW";
}
