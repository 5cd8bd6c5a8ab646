using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// The fused block-wise step on the SIMD path against the scalar reference path, bit for bit (parameters and every
/// state buffer) over every length 0–1025 (empty, partial first block, whole blocks, partial last blocks), for each
/// convention and the precisions, with NaN, ±Inf, ±0 and denormals among the gradients; and around the thread split.
/// </summary>
public sealed class Adam8bitKernelParityTests
{
    public static TheoryData<BnbConvention, StatePrecision, StatePrecision, bool> Configurations() => new()
    {
        { BnbConvention.Cuda, StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false },
        { BnbConvention.Cpu, StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false },
        { BnbConvention.Cuda, StatePrecision.Bf16, StatePrecision.Bf16, false },
        { BnbConvention.Cpu, StatePrecision.Bf16, StatePrecision.Bf16, true },
        { BnbConvention.Cuda, StatePrecision.Int8Blockwise, StatePrecision.Bf16, true },
        { BnbConvention.Cpu, StatePrecision.Fp32, StatePrecision.Int8Blockwise, false },
        { BnbConvention.Cuda, StatePrecision.Fp32, StatePrecision.Fp32, false },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SimdEqualsReferenceForEveryLength(BnbConvention convention, StatePrecision m, StatePrecision v, bool stochastic)
    {
        var options = Options(convention, m, v, stochastic);
        for (var n = 0; n <= 1025; n++)
        {
            AssertPathsAgree(options, n);
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SimdEqualsReferenceAcrossTheThreadSplit(BnbConvention convention, StatePrecision m, StatePrecision v, bool stochastic)
    {
        var options = Options(convention, m, v, stochastic);
        foreach (var n in new[] { (1 << 17) - 1, (1 << 17) + 300, 3 << 17 })
        {
            AssertPathsAgree(options, n, KernelPath.Auto);
        }
    }

    internal static AdamW8bitOptions Options(BnbConvention convention, StatePrecision m, StatePrecision v, bool stochastic) => new()
    {
        LearningRate = 0.01,
        WeightDecay = 0.1,
        Convention = convention,
        ExpAvgPrecision = m,
        ExpAvgSqPrecision = v,
        MinQuantizedSize = 0,
        StochasticRounding = stochastic && (m == StatePrecision.Bf16 || v == StatePrecision.Bf16),
        Bf16Parameters = stochastic,
        Seed = 7,
    };

    /// <summary>Every state buffer of <paramref name="p"/> as floats by key (packed codes/bf16 widened).</summary>
    internal static Dictionary<string, float[]> StateValues(Optimizer optimizer, Parameter p) => LowPrecisionChecks.StateValues(optimizer, p);

    private static void AssertPathsAgree(AdamW8bitOptions options, int n, KernelPath fast = KernelPath.Simd) =>
        LowPrecisionChecks.AssertPathsAgree(p => new AdamW8bit([p], options), n, fast);
}
