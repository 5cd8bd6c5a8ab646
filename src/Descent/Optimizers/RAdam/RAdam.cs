using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// RAdam, Adam with a rectified adaptive learning rate; equivalent to <c>torch.optim.RAdam</c> (including
/// <c>decoupled_weight_decay</c>).
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   decoupled: p = p·(1 − lr·wd)   else if wd ≠ 0: g = g + wd·p
/// m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²;   m̂ = m/(1 − β1ᵗ)
/// ρ∞ = 2/(1 − β2) − 1;   ρₜ = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
/// ρₜ &gt; 5:  r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ));   p = p − lr·m̂·√(1 − β2ᵗ)/(√v + ε)·r
/// else:    p = p − lr·m̂
/// </code>
/// <para>Defaults: lr 1e-3, β = (0.9, 0.999), ε 1e-8, weight decay 0 (see <see cref="RAdamOptions"/>).
/// Paper: Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020.
/// State: <c>exp_avg</c>, <c>exp_avg_sq</c> (stored in <see cref="AdamState"/>).</para>
/// </remarks>
[Optimizer("radam", "RAdam (Liu et al. 2020), optional decoupled decay; equivalent to torch.optim.RAdam")]
public sealed class RAdam : Optimizer<RAdamOptions, AdamState>
{
    private readonly ElementwiseJob<RAdamKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public RAdam(IEnumerable<Parameter> parameters, RAdamOptions? options = null)
        : base(parameters, options ?? new RAdamOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public RAdam(IEnumerable<(IEnumerable<Parameter> Parameters, RAdamOptions Options)> groups, RAdamOptions? defaults = null)
        : base(groups, defaults ?? new RAdamOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "RAdam";

    /// <inheritdoc />
    public override AdamState CreateState(Parameter parameter, RAdamOptions options) => new(parameter.Shape, amsgrad: false);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdamState state, RAdamOptions options)
    {
        var kernel = new RAdamKernel(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon,
            options.WeightDecay, options.DecoupledWeightDecay, options.Maximize, state.Step);
        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq);
    }
}
