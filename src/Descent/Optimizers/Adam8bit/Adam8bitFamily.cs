using Descent.Nn;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The update shared by <see cref="Adam8bit"/> and <see cref="AdamW8bit"/> (bitsandbytes' one "adam" kernel; only
/// the default weight decay differs): state <see cref="Adam8bitState"/>; parameters of at least
/// <see cref="LowPrecisionMomentOptions.MinQuantizedSize"/> elements whose moments are not both float32 take the fused
/// block-wise step (<see cref="BlockwiseMomentJob{TUpdate}"/>), the others the 32-bit step (<see cref="BnbAdamKernel"/>). Blocks
/// start at each parameter's first element, as in bitsandbytes, so parameters are never updated as one flat range.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class Adam8bitFamily<TOptions> : Optimizer<TOptions, Adam8bitState>
    where TOptions : Adam8bitFamilyOptions
{
    private readonly ElementwiseJob<BnbAdamKernel> job = new();
    private readonly BlockwiseMomentJob<BnbAdamKernel> blockJob = new();

    /// <summary>Creates the optimizer with one group.</summary>
    private protected Adam8bitFamily(IEnumerable<Parameter> parameters, TOptions defaults)
        : base(parameters, defaults)
    {
    }

    /// <summary>Creates the optimizer from several groups.</summary>
    private protected Adam8bitFamily(IEnumerable<(IEnumerable<Parameter> Parameters, TOptions Options)> groups, TOptions defaults)
        : base(groups, defaults)
    {
    }

    /// <inheritdoc />
    public override Adam8bitState CreateState(Parameter parameter, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(options);
        var fp32 = options.KeepsFp32(parameter.Length);
        return new(parameter.Shape, fp32 ? StatePrecision.Fp32 : options.ExpAvgPrecision, fp32 ? StatePrecision.Fp32 : options.ExpAvgSqPrecision);
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, Adam8bitState state, TOptions options)
    {
        var kernel = new BnbAdamKernel(options, state.Step, state.IsCompact);
        if (state.IsCompact)
        {
            var cuda = options.Convention == BnbConvention.Cuda;
            blockJob.Run(kernel, KernelPath, parameter, grad, state.ExpAvg, state.ExpAvgSq, null, BlockwiseEncoding.For(
                options, state.Step, options.Convention, options.Bf16Parameters, cuda ? kernel.Beta1 : null, kernel.OneMinusBeta1));
            return;
        }

        job.Run(kernel, KernelPath, parameter, grad, state.ExpAvg.Tensor, state.ExpAvgSq.Tensor);
        if (options.Bf16Parameters)
        {
            BFloat16.RoundStochastic(parameter.Span, BFloat16.StreamKey(options.Seed, state.Step, 0) | 1, 0);
        }
    }
}
