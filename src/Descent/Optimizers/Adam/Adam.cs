using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Adam with bias correction, optional AMSGrad and coupled L2 weight decay; equivalent to
/// <c>torch.optim.Adam</c> (with <c>decoupled_weight_decay=False</c>; the decoupled variant is <see cref="AdamW"/>).
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// m = β1·m + (1 − β1)·g          v = β2·v + (1 − β2)·g²
/// amsgrad: v_max = max(v_max, v), used instead of v
/// p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// <para>ε placement follows <c>EpsilonConvention</c> (<see cref="AdamEpsilonConvention"/>): PyTorch's (default),
/// Keras / scikit-learn's "epsilon hat", or Optax's eps_root inside the root.</para>
/// <para>Defaults: lr 1e-3, β = (0.9, 0.999), ε 1e-8, weight decay 0 (see <see cref="AdamOptions"/>).
/// Paper: Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; AMSGrad: Reddi et al.,
/// "On the Convergence of Adam and Beyond", ICLR 2018. State: <c>exp_avg</c>, <c>exp_avg_sq</c>
/// (8 bytes/parameter) and <c>max_exp_avg_sq</c> with AMSGrad.</para>
/// <para>Moment storage: float32 by default (equal to PyTorch bit for bit); <c>ExpAvgPrecision</c> /
/// <c>ExpAvgSqPrecision</c> (<see cref="LowPrecisionMomentOptions"/>) store either moment as bfloat16 (nearest even, or
/// stochastic rounding) or 8-bit block-wise (bitsandbytes' dynamic maps, 256 per absmax) for parameters of at least
/// <c>min_8bit_size</c> elements — the same float32 update between a decode and an encode of each block (4 or ≈ 2.03
/// bytes per parameter instead of 8; see docs/low-precision-states.md).</para>
/// </remarks>
[Optimizer("adam", "Adam (Kingma & Ba 2015), coupled L2 decay; equivalent to torch.optim.Adam", DecoupledVariant = typeof(AdamW))]
public sealed class Adam : AdamFamily<AdamOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Adam(IEnumerable<Parameter> parameters, AdamOptions? options = null)
        : base(parameters, options ?? new AdamOptions(), decoupled: false)
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Adam(IEnumerable<(IEnumerable<Parameter> Parameters, AdamOptions Options)> groups, AdamOptions? defaults = null)
        : base(groups, defaults ?? new AdamOptions(), decoupled: false)
    {
    }

    /// <inheritdoc />
    public override string Name => "Adam";
}
