using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// AdaBelief (Zhuang et al., <i>AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients</i>,
/// NeurIPS 2020, arXiv:2010.07468). Equal to <c>optax.adabelief</c> (Optax 0.2.8).
/// </summary>
/// <remarks>
/// Update rule, per element, at step t (m, s start at zero):
/// <code>
/// m = (1 − β₁)·g + β₁·m
/// s = (1 − β₂)·(g − m)² + β₂·s + ε_root      // ε_root is added to the stored state (Optax)
/// p = p − lr · (m / (1 − β₁ᵗ)) / (√(s / (1 − β₂ᵗ)) + ε)
/// </code>
/// Defaults (<see cref="AdaBeliefOptions"/>): β₁ 0.9, β₂ 0.999, ε 1e-16, ε_root 1e-16, lr 1e-3. Not in torch.optim;
/// the reference implementation <c>adabelief-pytorch</c> places ε differently (inside the stored variance only).
/// </remarks>
[Optimizer("adabelief", "AdaBelief (Zhuang et al. 2020), variance of the prediction error; equal to optax.adabelief")]
public sealed class AdaBelief : Optimizer<AdaBeliefOptions, AdaBeliefState>
{
    private readonly ElementwiseJob<AdaBeliefKernel> job = new();

    /// <summary>Creates AdaBelief over <paramref name="parameters"/>.</summary>
    public AdaBelief(IEnumerable<Parameter> parameters, AdaBeliefOptions? options = null)
        : base(parameters, options ?? new AdaBeliefOptions())
    {
    }

    /// <summary>Creates AdaBelief over several parameter groups.</summary>
    public AdaBelief(IEnumerable<(IEnumerable<Parameter> Parameters, AdaBeliefOptions Options)> groups, AdaBeliefOptions? defaults = null)
        : base(groups, defaults ?? new AdaBeliefOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "AdaBelief";

    /// <inheritdoc />
    public override AdaBeliefState CreateState(Parameter parameter, AdaBeliefOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new AdaBeliefState(Tensor.Zeros(parameter.Shape), Tensor.Zeros(parameter.Shape));
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdaBeliefState state, AdaBeliefOptions options)
    {
        var c = new AdaBeliefKernel(
            OptaxScalars.OneMinus(options.Beta1), (float)options.Beta1,
            OptaxScalars.OneMinus(options.Beta2), (float)options.Beta2,
            (float)options.EpsilonRoot,
            OptaxScalars.BiasCorrection(options.Beta1, state.Step), OptaxScalars.BiasCorrection(options.Beta2, state.Step),
            (float)options.Epsilon, (float)-options.LearningRate);
        job.Run(c, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgVar);
    }
}
