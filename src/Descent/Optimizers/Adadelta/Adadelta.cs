using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Adadelta; equivalent to <c>torch.optim.Adadelta</c>.
/// </summary>
/// <remarks>
/// <para>Update rule, per step of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// s = ρ·s + (1 − ρ)·g²
/// δ = √(u + ε)/√(s + ε) · g
/// u = ρ·u + (1 − ρ)·δ²
/// p = p − lr·δ
/// </code>
/// <para>Defaults: lr 1.0, ρ 0.9, ε 1e-6, weight decay 0 (see <see cref="AdadeltaOptions"/>). Paper: Zeiler,
/// "ADADELTA: An Adaptive Learning Rate Method", 2012 (PyTorch adds the lr factor). State: <c>square_avg</c>,
/// <c>acc_delta</c>.</para>
/// </remarks>
[Optimizer("adadelta", "Adadelta (Zeiler 2012); equivalent to torch.optim.Adadelta")]
public sealed class Adadelta : Optimizer<AdadeltaOptions, AdadeltaState>
{
    private readonly ElementwiseJob<AdadeltaKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Adadelta(IEnumerable<Parameter> parameters, AdadeltaOptions? options = null)
        : base(parameters, options ?? new AdadeltaOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Adadelta(IEnumerable<(IEnumerable<Parameter> Parameters, AdadeltaOptions Options)> groups, AdadeltaOptions? defaults = null)
        : base(groups, defaults ?? new AdadeltaOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Adadelta";

    /// <inheritdoc />
    public override AdadeltaState CreateState(Parameter parameter, AdadeltaOptions options) => new(parameter.Shape);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdadeltaState state, AdadeltaOptions options)
    {
        var kernel = new AdadeltaKernel(options.LearningRate, options.Rho, options.Epsilon, options.WeightDecay, options.Maximize);
        job.Run(kernel, KernelPath, parameter, grad, state.SquareAvg, state.AccDelta);
    }
}
