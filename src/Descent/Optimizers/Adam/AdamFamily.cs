using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The update shared by <see cref="Adam"/> (coupled L2 decay) and <see cref="AdamW"/> (decoupled decay): state
/// <see cref="AdamState"/>, the fused <see cref="AdamKernel"/>, element-wise (flat groups allowed). The subclass
/// fixes how the weight decay is applied. Moments stored below float32 (<see cref="LowPrecisionMomentOptions"/>)
/// take the same kernel through <see cref="BlockwiseMomentJob{TUpdate}"/>: decoded per block, updated in float32,
/// encoded again (parameters under <see cref="LowPrecisionMomentOptions.MinQuantizedSize"/> keep float32 moments).
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class AdamFamily<TOptions> : Optimizer<TOptions, AdamState>
    where TOptions : AdamFamilyOptions
{
    private readonly ElementwiseJob<AdamKernel> job = new();
    private readonly BlockwiseMomentJob<AdamKernel> blockJob = new();
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
    public override AdamState CreateState(Parameter parameter, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(options);
        var fp32 = options.KeepsFp32(parameter.Length);
        return new(parameter.Shape, options.Amsgrad, fp32 ? StatePrecision.Fp32 : options.ExpAvgPrecision, fp32 ? StatePrecision.Fp32 : options.ExpAvgSqPrecision);
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdamState state, TOptions options)
    {
        if (options.Amsgrad)
        {
            state.MaxExpAvgSq ??= new Tensor(parameter.Shape);
        }

        var kernel = new AdamKernel(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon,
            options.WeightDecay, decoupled, options.Amsgrad, options.Maximize, state.Step, options.EpsilonConvention);
        if (state.IsCompact)
        {
            // 8-bit codes: the nearest map value, ties to even, the first moment's sign kept (bitsandbytes' CUDA search).
            blockJob.Run(kernel, KernelPath, parameter, grad, state.ExpAvgStore, state.ExpAvgSqStore, state.MaxExpAvgSq,
                BlockwiseEncoding.For(options, state.Step, BnbConvention.Cuda, roundParameters: false));
            return;
        }

        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq, state.MaxExpAvgSq);
    }
}
