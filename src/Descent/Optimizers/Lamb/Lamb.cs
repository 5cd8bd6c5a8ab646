using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// LAMB, layer-wise adaptive moments (You et al., <i>Large Batch Optimization for Deep Learning: Training BERT in
/// 76 minutes</i>, ICLR 2020, arXiv:1904.00962). Equal to <c>optax.lamb</c> (Optax 0.2.8).
/// </summary>
/// <remarks>
/// Update rule for one parameter tensor at step t (m, v start at zero):
/// <code>
/// m = (1 − β₁)·g + β₁·m;   v = (1 − β₂)·g² + β₂·v
/// u = (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ) + ε_root) + ε) + λ·p
/// r = ‖p‖ / ‖u‖, or 1 when either norm is 0       // norms over the whole tensor
/// p = p − lr·r·u
/// </code>
/// Defaults (<see cref="LambOptions"/>): β₁ 0.9, β₂ 0.999, ε 1e-6, ε_root 0, λ 0, lr 1e-3. Two passes per tensor
/// (see the kernel): the first updates the moments and the norms, the second recomputes u and applies it.
/// Not in torch.optim.
/// </remarks>
[Optimizer("lamb", "LAMB (You et al. 2020), Adam direction scaled by the layer trust ratio; equal to optax.lamb")]
public sealed class Lamb : Optimizer<LambOptions, LambState>
{
    private readonly LambKernel.Job job = new();

    /// <summary>Creates LAMB over <paramref name="parameters"/>.</summary>
    public Lamb(IEnumerable<Parameter> parameters, LambOptions? options = null)
        : base(parameters, options ?? new LambOptions())
    {
    }

    /// <summary>Creates LAMB over several parameter groups.</summary>
    public Lamb(IEnumerable<(IEnumerable<Parameter> Parameters, LambOptions Options)> groups, LambOptions? defaults = null)
        : base(groups, defaults ?? new LambOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Lamb";

    /// <inheritdoc />
    public override LambState CreateState(Parameter parameter, LambOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new LambState(Tensor.Zeros(parameter.Shape), Tensor.Zeros(parameter.Shape));
    }

    /// <summary>The trust ratio ‖p‖ / ‖u‖ in float32, 1 when either norm is zero (Optax's
    /// <c>scale_by_trust_ratio</c> with min_norm 0, trust_coefficient 1, eps 0); NaN norms give NaN.</summary>
    internal static float TrustRatio(double paramSq, double updateSq)
    {
        var pn = (float)Math.Sqrt(paramSq);
        var un = (float)Math.Sqrt(updateSq);
        return pn == 0f || un == 0f ? 1f : pn / un;
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, LambState state, LambOptions options)
    {
        var c = new LambKernel.Scalars(
            OptaxScalars.OneMinus(options.Beta1), (float)options.Beta1,
            OptaxScalars.OneMinus(options.Beta2), (float)options.Beta2,
            OptaxScalars.BiasCorrection(options.Beta1, state.Step), OptaxScalars.BiasCorrection(options.Beta2, state.Step),
            (float)options.EpsilonRoot, (float)options.Epsilon, (float)options.WeightDecay, (float)-options.LearningRate);
        job.P = parameter;
        job.G = grad;
        job.M = state.ExpAvg;
        job.V = state.ExpAvgSq;
        var (ps, us) = LambKernel.Moments(KernelPath, parameter.Span, grad.Span, state.ExpAvg.Span, state.ExpAvgSq.Span, c, job);
        LambKernel.Apply(KernelPath, parameter.Span, state.ExpAvg.Span, state.ExpAvgSq.Span, c with { Ratio = TrustRatio(ps, us) }, job);
    }
}
