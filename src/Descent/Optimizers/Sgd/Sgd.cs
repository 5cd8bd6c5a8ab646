using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay;
/// equivalent to <c>torch.optim.SGD</c>.
/// </summary>
/// <remarks>
/// <para>Update rule (learning rate outside the velocity, PyTorch's form):</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// if μ ≠ 0:  b = (first step) ? g : μ·b + (1 − dampening)·g
///            g = nesterov ? g + μ·b : b
/// p = p − lr·g
/// </code>
/// <para>With <see cref="SgdOptions.MomentumConvention"/> = <see cref="SgdMomentumConvention.Sutskever"/> the
/// Keras / scikit-learn form runs instead: <c>v = μ·v − lr·g; p += v</c> (Nesterov: <c>p += μ·v − lr·g</c>),
/// v starting at zero and stored as <c>momentum_buffer</c>.</para>
/// <para>Defaults: lr 1e-3, momentum 0, dampening 0, weight decay 0 (see <see cref="SgdOptions"/>).
/// Nesterov momentum: Sutskever et al., "On the importance of initialization and momentum in deep learning",
/// ICML 2013. State per parameter: <c>momentum_buffer</c> (4 bytes/parameter with momentum, none without).</para>
/// </remarks>
[Optimizer("sgd", "SGD with momentum, dampening, Nesterov; equivalent to torch.optim.SGD")]
public sealed class Sgd : Optimizer<SgdOptions, SgdState>
{
    private readonly ElementwiseJob<SgdKernel> job = new();
    private readonly ElementwiseJob<SutskeverSgdKernel> sutskeverJob = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Sgd(IEnumerable<Parameter> parameters, SgdOptions? options = null)
        : base(parameters, options ?? new SgdOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Sgd(IEnumerable<(IEnumerable<Parameter> Parameters, SgdOptions Options)> groups, SgdOptions? defaults = null)
        : base(groups, defaults ?? new SgdOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "SGD";

    /// <inheritdoc />
    public override SgdState CreateState(Parameter parameter, SgdOptions options) => new();

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, SgdState state, SgdOptions options)
    {
        if (options.MomentumConvention == SgdMomentumConvention.Sutskever && options.Momentum != 0)
        {
            // The velocity starts at zero (not at the first gradient) and carries the learning rate.
            var v = state.MomentumBuffer ??= new Tensor(parameter.Shape);
            var ss = new SutskeverSgdKernel((float)-options.LearningRate, (float)options.Momentum,
                (float)options.WeightDecay, options.Nesterov, options.Maximize);
            sutskeverJob.Run(ss, KernelPath, parameter, grad, v);
            return;
        }

        var first = false;
        if (options.Momentum != 0 && state.MomentumBuffer is null)
        {
            state.MomentumBuffer = new Tensor(parameter.Shape);
            first = true;
        }

        var kernel = new SgdKernel(options.LearningRate, options.Momentum, options.Dampening, options.WeightDecay,
            options.Nesterov, options.Maximize, first);
        job.Run(kernel, KernelPath, parameter, grad, state.MomentumBuffer);
    }
}
