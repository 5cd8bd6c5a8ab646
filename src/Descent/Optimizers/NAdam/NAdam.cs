using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// NAdam, Adam with Nesterov momentum and a momentum schedule; equivalent to <c>torch.optim.NAdam</c>
/// (including <c>decoupled_weight_decay</c>, i.e. NAdamW).
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   decoupled: p = p·(1 − lr·wd)   else if wd ≠ 0: g = g + wd·p
/// μₜ = β1·(1 − ½·0.96^(t·ψ));   μₜ₊₁ = β1·(1 − ½·0.96^((t+1)·ψ));   Πμ = Πμ·μₜ
/// m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²;   d = √(v/(1 − β2ᵗ)) + ε
/// p = p − lr·(1 − μₜ)/(1 − Πμ) · g/d − lr·μₜ₊₁/(1 − Πμ·μₜ₊₁) · m/d
/// </code>
/// <para>Defaults: lr 2e-3, β = (0.9, 0.999), ε 1e-8, weight decay 0, ψ (momentum decay) 4e-3 (see
/// <see cref="NAdamOptions"/>). Paper: Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
/// State: <c>mu_product</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>.</para>
/// </remarks>
[Optimizer("nadam", "NAdam (Dozat 2016), optional decoupled decay; equivalent to torch.optim.NAdam")]
public sealed class NAdam : Optimizer<NAdamOptions, NAdamState>
{
    private readonly ElementwiseJob<NAdamKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public NAdam(IEnumerable<Parameter> parameters, NAdamOptions? options = null)
        : base(parameters, options ?? new NAdamOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public NAdam(IEnumerable<(IEnumerable<Parameter> Parameters, NAdamOptions Options)> groups, NAdamOptions? defaults = null)
        : base(groups, defaults ?? new NAdamOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "NAdam";

    /// <inheritdoc />
    public override NAdamState CreateState(Parameter parameter, NAdamOptions options) => new(parameter.Shape);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, NAdamState state, NAdamOptions options)
    {
        var muProduct = state.MuProduct.Span;
        var kernel = new NAdamKernel(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon,
            options.WeightDecay, options.MomentumDecay, options.DecoupledWeightDecay, options.Maximize, state.Step,
            ref muProduct[0]);
        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq);
    }
}
