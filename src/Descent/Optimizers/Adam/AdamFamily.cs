using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The update shared by <see cref="Adam"/> (coupled L2 decay) and <see cref="AdamW"/> (decoupled decay): state
/// <see cref="AdamState"/>, the fused <see cref="AdamKernel"/>, element-wise (flat groups allowed). The subclass
/// fixes how the weight decay is applied.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class AdamFamily<TOptions> : Optimizer<TOptions, AdamState>
    where TOptions : AdamFamilyOptions
{
    private readonly ElementwiseJob<AdamKernel> job = new();
    private readonly bool decoupled;

    /// <summary>Creates the optimizer with one group; <paramref name="decoupled"/>: AdamW's decay.</summary>
    private protected AdamFamily(IEnumerable<Parameter> parameters, TOptions defaults, bool decoupled)
        : base(parameters, defaults) => this.decoupled = decoupled;

    /// <summary>Creates the optimizer from several groups; <paramref name="decoupled"/>: AdamW's decay.</summary>
    private protected AdamFamily(IEnumerable<(IEnumerable<Parameter> Parameters, TOptions Options)> groups, TOptions defaults, bool decoupled)
        : base(groups, defaults) => this.decoupled = decoupled;

    /// <inheritdoc />
    protected override bool UpdatesElementwise => true;

    /// <inheritdoc />
    public override AdamState CreateState(Parameter parameter, TOptions options) => new(parameter.Shape, options.Amsgrad);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdamState state, TOptions options)
    {
        if (options.Amsgrad)
        {
            state.MaxExpAvgSq ??= new Tensor(parameter.Shape);
        }

        var kernel = new AdamKernel(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon,
            options.WeightDecay, decoupled, options.Amsgrad, options.Maximize, state.Step, options.EpsilonConvention);
        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq, state.MaxExpAvgSq);
    }
}
