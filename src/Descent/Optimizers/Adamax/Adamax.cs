using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// Adamax, the infinity-norm variant of Adam; equivalent to <c>torch.optim.Adamax</c>.
/// </summary>
/// <remarks>
/// <para>Update rule, per step t of each parameter:</para>
/// <code>
/// g = maximize ? −∇ : ∇;   if wd ≠ 0: g = g + wd·p
/// m = β1·m + (1 − β1)·g
/// u = max(β2·u, |g| + ε)
/// p = p − lr/(1 − β1ᵗ) · m / u
/// </code>
/// <para>Defaults: lr 2e-3, β = (0.9, 0.999), ε 1e-8, weight decay 0 (see <see cref="AdamaxOptions"/>).
/// Paper: Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.
/// State: <c>exp_avg</c>, <c>exp_inf</c>.</para>
/// </remarks>
[Optimizer("adamax", "Adamax (Kingma & Ba 2015, sec. 7.1); equivalent to torch.optim.Adamax")]
public sealed class Adamax : Optimizer<AdamaxOptions, AdamaxState>
{
    private readonly ElementwiseJob<AdamaxKernel> job = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (one group).</summary>
    public Adamax(IEnumerable<Parameter> parameters, AdamaxOptions? options = null)
        : base(parameters, options ?? new AdamaxOptions())
    {
    }

    /// <summary>Creates the optimizer from parameter groups, each with its own options.</summary>
    public Adamax(IEnumerable<(IEnumerable<Parameter> Parameters, AdamaxOptions Options)> groups, AdamaxOptions? defaults = null)
        : base(groups, defaults ?? new AdamaxOptions())
    {
    }

    /// <inheritdoc />
    public override string Name => "Adamax";

    /// <inheritdoc />
    public override AdamaxState CreateState(Parameter parameter, AdamaxOptions options) => new(parameter.Shape);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdamaxState state, AdamaxOptions options)
    {
        var kernel = new AdamaxKernel(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon,
            options.WeightDecay, options.Maximize, state.Step);
        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpInf);
    }
}
