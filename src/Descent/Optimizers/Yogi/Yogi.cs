using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Yogi (Zaheer et al., <i>Adaptive Methods for Nonconvex Optimization</i>, NeurIPS 2018). Equal to
/// <c>optax.yogi</c> (Optax 0.2.8).
/// </summary>
/// <remarks>
/// Update rule, per element, at step t; m and v both start at the initial accumulator value (1e-6):
/// <code>
/// m = (1 − β₁)·g + β₁·m
/// v = v − (1 − β₂)·sign(v − g²)·g²          // additive, sign-controlled, unlike Adam's EMA
/// p = p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ) + ε_root) + ε)
/// </code>
/// Defaults (<see cref="YogiOptions"/>): β₁ 0.9, β₂ 0.999, ε 1e-3, ε_root 0, lr 1e-2. Not in torch.optim.
/// </remarks>
[Optimizer("yogi", "Yogi (Zaheer et al. 2018), additive second moment; equal to optax.yogi")]
public sealed class Yogi : Optimizer<YogiOptions, YogiState>
{
    private readonly ElementwiseJob<YogiKernel> job = new();

    /// <summary>Creates Yogi over <paramref name="parameters"/>.</summary>
    public Yogi(IEnumerable<Parameter> parameters, YogiOptions? options = null)
        : base(parameters, options ?? new YogiOptions())
    {
    }

    /// <summary>Creates Yogi over several parameter groups.</summary>
    public Yogi(IEnumerable<(IEnumerable<Parameter> Parameters, YogiOptions Options)> groups, YogiOptions? defaults = null)
        : base(groups, defaults ?? new YogiOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Yogi";

    /// <inheritdoc />
    public override YogiState CreateState(Parameter parameter, YogiOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(options);
        var init = (float)options.InitialAccumulatorValue;
        return new YogiState(Tensor.Full(init, parameter.Shape), Tensor.Full(init, parameter.Shape));
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, YogiState state, YogiOptions options)
    {
        var c = new YogiKernel(
            OptaxScalars.OneMinus(options.Beta1), (float)options.Beta1, OptaxScalars.OneMinus(options.Beta2),
            (float)options.EpsilonRoot,
            OptaxScalars.BiasCorrection(options.Beta1, state.Step), OptaxScalars.BiasCorrection(options.Beta2, state.Step),
            (float)options.Epsilon, (float)-options.LearningRate);
        job.Run(c, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq);
    }
}
