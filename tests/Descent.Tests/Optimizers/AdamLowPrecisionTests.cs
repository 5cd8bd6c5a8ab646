using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Issue 17: Adam and AdamW with a per-moment <see cref="StatePrecision"/>. The update stays PyTorch's float32 update;
/// only the storage between steps changes — so bf16 AdamW equals fp32 AdamW whose moments are rounded to bfloat16
/// after every step, and any precision's first step (from zero moments) moves the parameters exactly as fp32 does.
/// Also: SIMD = reference path, allocation-free steps, bitsandbytes' state names, checkpoint resume, names in the registry.
/// </summary>
public sealed class AdamLowPrecisionTests
{
    public static TheoryData<StatePrecision, StatePrecision, bool> Configurations() => new()
    {
        { StatePrecision.Bf16, StatePrecision.Bf16, false },
        { StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false },
        { StatePrecision.Int8Blockwise, StatePrecision.Bf16, true },
        { StatePrecision.Fp32, StatePrecision.Int8Blockwise, true },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bf16MomentsEqualFp32AdamWithMomentsRoundedEachStep(bool amsgrad)
    {
        const int n = 5000;
        var low = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var full = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var options = new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1, Amsgrad = amsgrad };
        var a = new AdamW([low], options with { ExpAvgPrecision = StatePrecision.Bf16, ExpAvgSqPrecision = StatePrecision.Bf16 });
        var b = new AdamW([full], options);
        for (var step = 0; step < 5; step++)
        {
            var g = KernelTestData.Values(n, 10 + step, specials: false);
            low.Grad = Tensor.FromArray(g, [n]);
            full.Grad = Tensor.FromArray(g, [n]);
            a.Step();
            b.Step();
            var reference = (AdamState)b.GetState(full)!;
            RoundToBf16(reference.ExpAvg.Span);
            RoundToBf16(reference.ExpAvgSq.Span);
            KernelTestData.AssertSame(full.Span, low.Span, $"step {step} p");
            var state = StateValues(a, low);
            KernelTestData.AssertSame(reference.ExpAvg.Span, state["state1"], $"step {step} m");
            KernelTestData.AssertSame(reference.ExpAvgSq.Span, state["state2"], $"step {step} v");
        }
    }

    [Fact]
    public void Int8FirstStepMovesParametersAsFp32AndStoresNearestCodes()
    {
        const int n = 1000;
        var low = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 3, specials: false), [n]));
        var full = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 3, specials: false), [n]));
        var g = KernelTestData.Values(n, 4, specials: false);
        low.Grad = Tensor.FromArray(g, [n]);
        full.Grad = Tensor.FromArray(g, [n]);
        var a = new Descent.Optimizers.Adam([low], new AdamOptions { ExpAvgPrecision = StatePrecision.Int8Blockwise, ExpAvgSqPrecision = StatePrecision.Int8Blockwise, MinQuantizedSize = 0 });
        var b = new Descent.Optimizers.Adam([full]);
        a.Step();
        b.Step();
        KernelTestData.AssertSame(full.Span, low.Span, "p");
        var reference = (AdamState)b.GetState(full)!;
        var state = StateValues(a, low);
        foreach (var (moment, codes, absmax, map) in new[]
        {
            (reference.ExpAvg.Span.ToArray(), state["state1"], state["absmax1"], DynamicMap.Signed),
            (reference.ExpAvgSq.Span.ToArray(), state["state2"], state["absmax2"], DynamicMap.Unsigned),
        })
        {
            for (var i = 0; i < n; i++)
            {
                var top = absmax[i / 256];
                Assert.Equal(moment.Skip(i / 256 * 256).Take(256).Max(MathF.Abs), top);
                var code = (int)codes[i];
                var y = moment[i] / top;

                // The nearest map value (an exact tie may go either way; none occurs with these data).
                var best = map.Values.Select(q => MathF.Abs(q - y)).Min();
                Assert.Equal(best, MathF.Abs(map.Values[code] - y));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SimdEqualsReferenceForLengthsAndAcrossTheSplit(StatePrecision m, StatePrecision v, bool amsgrad)
    {
        var options = new AdamWOptions { LearningRate = 0.01, ExpAvgPrecision = m, ExpAvgSqPrecision = v, MinQuantizedSize = 0, Amsgrad = amsgrad };
        foreach (var n in (int[])[.. Enumerable.Range(0, 70).Select(i => i * 15), 1023, 1024, 1025, (1 << 17) + 300])
        {
            LowPrecisionChecks.AssertPathsAgree(p => new AdamW([p], options), n, KernelPath.Auto);
        }
    }

    [Theory]
    [InlineData(StatePrecision.Bf16, false, KernelPath.Auto)]
    [InlineData(StatePrecision.Bf16, true, KernelPath.Auto)]
    [InlineData(StatePrecision.Int8Blockwise, false, KernelPath.Auto)]
    [InlineData(StatePrecision.Int8Blockwise, false, KernelPath.Reference)]
    public void SteadyStateStepAllocatesNothing(StatePrecision precision, bool stochastic, KernelPath path)
    {
        Parameter[] ps = [new(7), new(3, 11), new(5000), new(64, 80), new(1 << 18)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Full(0.25f, p.Shape);
        }

        var opt = new AdamW(ps, new AdamWOptions
        {
            ExpAvgPrecision = precision, ExpAvgSqPrecision = precision, StochasticRounding = stochastic, Amsgrad = true,
        })
        {
            KernelPath = path,
        };
        OptimizerAllocationTests.AssertSteadyStateStepAllocatesNothing(opt);
    }

    [Theory]
    [InlineData(StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, 2.03125)]
    [InlineData(StatePrecision.Bf16, StatePrecision.Bf16, 4.0)]
    [InlineData(StatePrecision.Bf16, StatePrecision.Int8Blockwise, 3.015625)]
    public void StateUsesBnbNamesAndReportsItsBytes(StatePrecision m, StatePrecision v, double bytesPerParameter)
    {
        Parameter[] ps = [new(1 << 16), new(300)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Ones(p.Shape);
        }

        var opt = new AdamW(ps, new AdamWOptions { ExpAvgPrecision = m, ExpAvgSqPrecision = v });
        opt.Step();
        var big = (AdamState)opt.GetState(ps[0])!;
        Assert.Equal(bytesPerParameter, big.Bytes / (double)ps[0].Length);
        Assert.Equal(["state1", "state2"], big.PackedBuffers.Select(b => b.Key));
        var e = Assert.Throws<InvalidOperationException>(() => big.ExpAvg);
        Assert.Contains("state1", e.Message, StringComparison.Ordinal);

        // Under min_8bit_size: float32 moments under PyTorch's names, as a plain AdamW.
        Assert.Equal(["exp_avg", "exp_avg_sq"], opt.GetState(ps[1])!.Tensors.Select(t => t.Key));
        Assert.Equal(8L * 300, opt.GetState(ps[1])!.Bytes);
    }

    [Fact]
    public void RegistryTakesThePrecisionsByName()
    {
        Parameter[] ps = [new(5000)];
        ps[0].Grad = Tensor.Ones(5000);
        var opt = OptimizerRegistry.Create("adam", ps, new Dictionary<string, double> { ["stochastic_rounding"] = 1, ["seed"] = 3 },
            new Dictionary<string, string> { ["exp_avg_precision"] = "int8_blockwise", ["exp_avg_sq_precision"] = "bf16" });
        opt.Step();
        var state = (AdamState)opt.GetState(ps[0])!;
        Assert.Equal(StatePrecision.Int8Blockwise, state.ExpAvgPrecision);
        Assert.Equal(StatePrecision.Bf16, state.ExpAvgSqPrecision);
        var c = Assert.Throws<ArgumentException>(() => OptimizerRegistry.Create(
            "adamw", ps, null, new Dictionary<string, string> { ["exp_avg_sq_precision"] = "fp8" }));
        Assert.Contains("int8_blockwise", c.Message, StringComparison.Ordinal);
        var s = Assert.Throws<ArgumentException>(() => new AdamW(ps, new AdamWOptions { StochasticRounding = true }));
        Assert.Contains("StochasticRounding", s.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlatArenaWithPackedMomentsUpdatesPerParameter()
    {
        (Parameter[] Ps, AdamW Opt) Build(bool flat)
        {
            Parameter[] ps = [new(Tensor.FromArray(KernelTestData.Values(5000, 1, specials: false), [5000])),
                new(Tensor.FromArray(KernelTestData.Values(4100, 2, specials: false), [4100]))];
            if (flat)
            {
                ParameterArena.Flatten(ps);
            }

            return (ps, new AdamW(ps, new AdamWOptions { ExpAvgPrecision = StatePrecision.Int8Blockwise, ExpAvgSqPrecision = StatePrecision.Bf16 }));
        }

        var (a, optA) = Build(flat: false);
        var (b, optB) = Build(flat: true);
        for (var step = 0; step < 3; step++)
        {
            foreach (var ps in new[] { a, b })
            {
                for (var k = 0; k < ps.Length; k++)
                {
                    ps[k].Grad = Tensor.FromArray(KernelTestData.Values(ps[k].Length, 50 + step + k, specials: false), [ps[k].Length]);
                }
            }

            optA.Step();
            optB.Step();
        }

        for (var k = 0; k < a.Length; k++)
        {
            KernelTestData.AssertSame(a[k].Span, b[k].Span, $"parameter {k}");
        }
    }

    [Theory]
    [InlineData(StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false)]
    [InlineData(StatePrecision.Bf16, StatePrecision.Int8Blockwise, true)]
    public void ResumeFromCheckpointIsBitIdentical(StatePrecision m, StatePrecision v, bool stochastic)
    {
        var options = new AdamWOptions { LearningRate = 0.01, ExpAvgPrecision = m, ExpAvgSqPrecision = v, StochasticRounding = stochastic, Seed = 5 };
        LowPrecisionChecks.AssertResumeIsBitIdentical(ps => new AdamW(ps, options), total: 7, saveAt: 3, file =>
        {
            Assert.Equal(m == StatePrecision.Int8Blockwise ? SafetensorsDType.U8 : SafetensorsDType.BF16, file["state.w.state1"].DType);
            Assert.Equal(SafetensorsDType.U8, file["state.w.state2"].DType);
            Assert.Equal(SafetensorsDType.F32, file["state.w.absmax2"].DType);
            Assert.Equal(SafetensorsDType.F32, file["state.b.exp_avg"].DType);
        });
    }

    private static Dictionary<string, float[]> StateValues(Optimizer optimizer, Parameter p) => LowPrecisionChecks.StateValues(optimizer, p);

    private static void RoundToBf16(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BFloat16.ToSingle(BFloat16.RoundNearestEven(values[i]));
        }
    }
}
