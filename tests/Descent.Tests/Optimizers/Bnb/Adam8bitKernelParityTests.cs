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
    internal static Dictionary<string, float[]> StateValues(Optimizer optimizer, Parameter p)
    {
        var state = optimizer.GetState(p)!;
        var all = state.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Span.ToArray());
        foreach (var (key, b) in state.PackedBuffers)
        {
            var values = new float[b.Length];
            b.CopyTo(values);
            all[key] = values;
        }

        return all;
    }

    private static void AssertPathsAgree(AdamW8bitOptions options, int n, KernelPath fast = KernelPath.Simd)
    {
        var reference = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var simd = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var a = new AdamW8bit([reference], options) { KernelPath = KernelPath.Reference };
        var b = new AdamW8bit([simd], options) { KernelPath = fast };
        for (var step = 0; step < 3; step++)
        {
            var g = KernelTestData.Values(n, 10 + step, specials: step != 1);
            reference.Grad = Tensor.FromArray(g, [n]);
            simd.Grad = Tensor.FromArray(g, [n]);
            a.Step();
            b.Step();
            KernelTestData.AssertSame(reference.Span, simd.Span, $"n={n} step {step} p");
            var sa = StateValues(a, reference);
            var sb = StateValues(b, simd);
            Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
            foreach (var key in sa.Keys)
            {
                KernelTestData.AssertSame(sa[key], sb[key], $"n={n} step {step} {key}");
            }
        }
    }
}
