using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// RMSprop, optionally centered and with momentum; equivalent to <c>torch.optim.RMSprop</c>.
/// </summary>
/// <remarks>
/// <para>Update rule, per step of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// s = α·s + (1 − α)·g²
/// centered: a = α·a + (1 − α)·g;   d = √(s − a²) + ε        else d = √s + ε
/// μ &gt; 0:  b = μ·b + g/d;   p = p − lr·b                 else p = p − lr·g/d
/// </code>
/// <para>Defaults: lr 1e-2, α 0.99, ε 1e-8, weight decay 0, momentum 0 (see <see cref="RmsPropOptions"/>).
/// Reference: Hinton, Srivastava &amp; Swersky, "Neural Networks for Machine Learning", lecture 6e (2012);
/// centered form: Graves, "Generating Sequences With Recurrent Neural Networks", 2013. ε is added outside the
/// square root, as in PyTorch (TensorFlow adds it inside). State: <c>square_avg</c>, <c>momentum_buffer</c>,
/// <c>grad_avg</c>.</para>
/// </remarks>
[Optimizer("rmsprop", "RMSprop (Hinton 2012), centered and momentum; equivalent to torch.optim.RMSprop")]
public sealed class RmsProp : Optimizer<RmsPropOptions, RmsPropState>
{
    private readonly ElementwiseJob<RmsPropKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public RmsProp(IEnumerable<Parameter> parameters, RmsPropOptions? options = null)
        : base(parameters, options ?? new RmsPropOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public RmsProp(IEnumerable<(IEnumerable<Parameter> Parameters, RmsPropOptions Options)> groups, RmsPropOptions? defaults = null)
        : base(groups, defaults ?? new RmsPropOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "RMSprop";

    /// <inheritdoc />
    public override RmsPropState CreateState(Parameter parameter, RmsPropOptions options) =>
        new(parameter.Shape, options.Momentum > 0, options.Centered);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, RmsPropState state, RmsPropOptions options)
    {
        if (options.Momentum > 0)
        {
            state.MomentumBuffer ??= new Tensor(parameter.Shape);
        }

        if (options.Centered)
        {
            state.GradAvg ??= new Tensor(parameter.Shape);
        }

        var kernel = new RmsPropKernel(options.LearningRate, options.Alpha, options.Epsilon, options.WeightDecay,
            options.Momentum, options.Centered, options.Maximize);
        job.Run(kernel, KernelPath, parameter, grad, state.SquareAvg, state.GradAvg, state.MomentumBuffer);
    }
}
