using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Adagrad with learning-rate decay and an initial accumulator value; equivalent to <c>torch.optim.Adagrad</c>
/// (dense gradients).
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// s = s + g²                       (s starts at the initial accumulator value)
/// p = p − lr/(1 + (t − 1)·lr_decay) · g / (√s + ε)
/// </code>
/// <para>Defaults: lr 1e-2, lr decay 0, weight decay 0, initial accumulator 0, ε 1e-10 (see
/// <see cref="AdagradOptions"/>). Paper: Duchi, Hazan &amp; Singer, "Adaptive Subgradient Methods for Online
/// Learning and Stochastic Optimization", JMLR 2011. State: <c>sum</c>.</para>
/// </remarks>
[Optimizer("adagrad", "Adagrad (Duchi et al. 2011) with lr decay; equivalent to torch.optim.Adagrad")]
public sealed class Adagrad : Optimizer<AdagradOptions, AdagradState>
{
    private readonly ElementwiseJob<AdagradKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Adagrad(IEnumerable<Parameter> parameters, AdagradOptions? options = null)
        : base(parameters, options ?? new AdagradOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Adagrad(IEnumerable<(IEnumerable<Parameter> Parameters, AdagradOptions Options)> groups, AdagradOptions? defaults = null)
        : base(groups, defaults ?? new AdagradOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Adagrad";

    /// <inheritdoc />
    public override AdagradState CreateState(Parameter parameter, AdagradOptions options) =>
        new(parameter.Shape, (float)options.InitialAccumulatorValue);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdagradState state, AdagradOptions options)
    {
        var kernel = new AdagradKernel(options.LearningRate, options.LearningRateDecay, options.Epsilon,
            options.WeightDecay, options.Maximize, state.Step);
        job.Run(kernel, KernelPath, parameter, grad, state.Sum);
    }
}
