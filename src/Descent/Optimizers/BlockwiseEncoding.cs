using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// How <see cref="BlockwiseMomentJob{TUpdate}"/> stores a step's moments: the 8-bit code search
/// (<see cref="BnbConvention"/>), the stochastic-rounding keys of the two moments and of the parameters (0: round
/// to nearest even / leave the parameters), and bitsandbytes' CUDA padding lanes of a partial last block (β₁ and
/// 1 − β₁ as its kernel uses them; null: no padding).
/// </summary>
internal readonly record struct BlockwiseEncoding(
    BnbConvention Convention, ulong ExpAvgKey, ulong ExpAvgSqKey, ulong ParameterKey, float? PaddingBeta1, float PaddingOneMinusBeta1)
{
    /// <summary>The keys of step <paramref name="step"/> under <paramref name="options"/>' stochastic rounding
    /// (streams 1 and 2 for the moments, 0 for the parameters when <paramref name="roundParameters"/>).</summary>
    public static BlockwiseEncoding For(LowPrecisionMomentOptions options, long step, BnbConvention convention, bool roundParameters,
        float? paddingBeta1 = null, float paddingOneMinusBeta1 = 0f) => new(
        convention,
        options.StochasticRounding ? BFloat16.StreamKey(options.Seed, step, 1) | 1 : 0,
        options.StochasticRounding ? BFloat16.StreamKey(options.Seed, step, 2) | 1 : 0,
        roundParameters ? BFloat16.StreamKey(options.Seed, step, 0) | 1 : 0,
        paddingBeta1,
        paddingOneMinusBeta1);
}
