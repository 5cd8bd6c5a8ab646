using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al., <i>Symbolic Discovery of Optimization Algorithms</i>, 2023,
/// arXiv:2302.06675). Equal to <c>optax.lion</c> (Optax 0.2.8).
/// </summary>
/// <remarks>
/// Update rule, per element, with gradient g, momentum m (starts at zero), learning rate lr and weight decay λ:
/// <code>
/// u = sign((1 − β₁)·g + β₁·m)          // sign(0) = 0
/// m = (1 − β₂)·g + β₂·m
/// p = p − lr·(u + λ·p)
/// </code>
/// Defaults (<see cref="LionOptions"/>): β₁ 0.9, β₂ 0.99, λ 1e-3 (Optax's), lr 1e-4. Not in torch.optim.
/// </remarks>
[Optimizer("lion", "Lion (Chen et al. 2023), sign of interpolated momentum; equal to optax.lion")]
public sealed class Lion : Optimizer<LionOptions, LionState>
{
    private readonly ElementwiseJob<LionKernel> job = new();

    /// <summary>Creates Lion over <paramref name="parameters"/> with <paramref name="options"/> (default: <see cref="LionOptions"/>()).</summary>
    public Lion(IEnumerable<Parameter> parameters, LionOptions? options = null)
        : base(parameters, options ?? new LionOptions())
    {
    }

    /// <summary>Creates Lion over several parameter groups.</summary>
    public Lion(IEnumerable<(IEnumerable<Parameter> Parameters, LionOptions Options)> groups, LionOptions? defaults = null)
        : base(groups, defaults ?? new LionOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Lion";

    /// <inheritdoc />
    public override LionState CreateState(Parameter parameter, LionOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new LionState(Tensor.Zeros(parameter.Shape));
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, LionState state, LionOptions options)
    {
        var s = new LionKernel(
            (float)(1 - options.Beta1), (float)options.Beta1, (float)(1 - options.Beta2), (float)options.Beta2,
            (float)options.WeightDecay, (float)-options.LearningRate);
        job.Run(s, KernelPath, parameter, grad, state.ExpAvg);
    }
}
