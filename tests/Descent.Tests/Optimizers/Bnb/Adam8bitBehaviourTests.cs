using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// What the low-precision Adam does beyond the golden trajectories: non-finite gradients do not poison a block,
/// state bytes per parameter, the size threshold, options validation, allocation-free steps and bit-identical resume
/// from a checkpoint (codes saved as U8, bf16 moments as BF16).
/// </summary>
public sealed class Adam8bitBehaviourTests
{
    [Theory]
    [InlineData(BnbConvention.Cuda, StatePrecision.Int8Blockwise)]
    [InlineData(BnbConvention.Cpu, StatePrecision.Int8Blockwise)]
    [InlineData(BnbConvention.Cpu, StatePrecision.Bf16)]
    public void NonFiniteGradientSkipsOnlyItsElement(BnbConvention convention, StatePrecision precision)
    {
        const int n = 1000;
        var p = new Parameter(Tensor.FromArray(KernelTestData.Values(n, 1, specials: false), [n]));
        var opt = new AdamW8bit([p], Adam8bitKernelParityTests.Options(convention, precision, precision, stochastic: false));
        var bad = new Dictionary<int, float> { [3] = float.NaN, [300] = float.PositiveInfinity, [700] = float.NegativeInfinity };
        for (var step = 0; step < 3; step++)
        {
            var g = KernelTestData.Values(n, 20 + step, specials: false);
            foreach (var (i, x) in bad)
            {
                g[i] = x;
            }

            var before = p.Span.ToArray();
            p.Grad = Tensor.FromArray(g, [n]);
            opt.Step();
            foreach (var i in bad.Keys)
            {
                Assert.Equal(before[i], p.Span[i]);
            }

            for (var i = 0; i < n; i++)
            {
                Assert.True(float.IsFinite(p.Span[i]), $"step {step}: parameter {i} is {p.Span[i]}");
                Assert.True(bad.ContainsKey(i) || p.Span[i] != before[i], $"step {step}: parameter {i} did not move");
            }

            foreach (var (key, values) in Adam8bitKernelParityTests.StateValues(opt, p))
            {
                Assert.All(values, x => Assert.True(float.IsFinite(x), $"state {key} holds {x}"));
            }
        }
    }

    [Theory]
    [InlineData(StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, 2.03125)]
    [InlineData(StatePrecision.Bf16, StatePrecision.Bf16, 4.0)]
    [InlineData(StatePrecision.Fp32, StatePrecision.Fp32, 8.0)]
    public void ReportsStateBytesPerParameter(StatePrecision m, StatePrecision v, double bytesPerParameter)
    {
        Parameter[] ps = [new(1 << 16), new(300), new(256, 33)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Ones(p.Shape);
        }

        var opt = new AdamW8bit(ps, new AdamW8bitOptions { ExpAvgPrecision = m, ExpAvgSqPrecision = v });
        Assert.Equal(0, opt.StateBytes);
        opt.Step();
        var big = opt.GetState(ps[0])!.Bytes;
        Assert.Equal(bytesPerParameter, big / (double)ps[0].Length);
        Assert.Equal(8L * 300, opt.GetState(ps[1])!.Bytes);
        Assert.Equal(ps.Sum(p => opt.GetState(p)!.Bytes), opt.StateBytes);

        var adamW = new AdamW(ps);
        adamW.Step();
        Assert.Equal(8L * ps.Sum(p => (long)p.Length), adamW.StateBytes);
    }

    [Fact]
    public void SmallTensorsKeepFloat32MomentsUnderBnbNames()
    {
        Parameter[] ps = [new(4095), new(4096)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Ones(p.Shape);
        }

        var opt = OptimizerRegistry.Create("adam8bit", ps);
        opt.Step();
        Assert.Equal(["state1", "state2"], opt.GetState(ps[0])!.Tensors.Select(t => t.Key));
        Assert.Empty(opt.GetState(ps[0])!.PackedBuffers);
        Assert.Equal(["absmax1", "qmap1", "absmax2", "qmap2"], opt.GetState(ps[1])!.Tensors.Select(t => t.Key));
        Assert.Equal(["state1", "state2"], opt.GetState(ps[1])!.PackedBuffers.Select(t => t.Key));
        Assert.All(opt.GetState(ps[1])!.PackedBuffers, b => Assert.Equal(SafetensorsDType.U8, b.Value.DType));
    }

    [Fact]
    public void InvalidOptionsNameTheValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW8bitOptions { MinQuantizedSize = -1 });
        Assert.Contains("MinQuantizedSize", e.Message, StringComparison.Ordinal);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW8bitOptions { ExpAvgPrecision = (StatePrecision)9 });
        Assert.Contains("Fp32, Bf16, Int8Blockwise", p.Message, StringComparison.Ordinal);
        var s = Assert.Throws<ArgumentException>(() => new AdamW8bit([new Parameter(3)], new AdamW8bitOptions { StochasticRounding = true }));
        Assert.Contains("StochasticRounding", s.Message, StringComparison.Ordinal);
        var c = Assert.Throws<ArgumentException>(() => OptimizerRegistry.Create(
            "adamw8bit", [new Parameter(3)], null, new Dictionary<string, string> { ["exp_avg_precision"] = "int4" }));
        Assert.Contains("int8_blockwise", c.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatePrecision.Int8Blockwise, false, KernelPath.Auto)]
    [InlineData(StatePrecision.Int8Blockwise, false, KernelPath.Reference)]
    [InlineData(StatePrecision.Bf16, true, KernelPath.Auto)]
    public void SteadyStateStepAllocatesNothing(StatePrecision precision, bool stochastic, KernelPath path)
    {
        Parameter[] ps = [new(7), new(3, 11), new(5000), new(64, 80)];
        foreach (var p in ps)
        {
            p.Grad = Tensor.Full(0.25f, p.Shape);
        }

        var opt = new AdamW8bit(ps, Adam8bitKernelParityTests.Options(BnbConvention.Cuda, precision, precision, stochastic) with { MinQuantizedSize = 4096 })
        {
            KernelPath = path,
        };
        for (var i = 0; i < 3; i++)
        {
            opt.Step();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            opt.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(BnbConvention.Cuda, StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false)]
    [InlineData(BnbConvention.Cpu, StatePrecision.Int8Blockwise, StatePrecision.Int8Blockwise, false)]
    [InlineData(BnbConvention.Cuda, StatePrecision.Bf16, StatePrecision.Bf16, true)]
    [InlineData(BnbConvention.Cpu, StatePrecision.Int8Blockwise, StatePrecision.Bf16, true)]
    public void ResumeFromCheckpointIsBitIdentical(BnbConvention convention, StatePrecision m, StatePrecision v, bool stochastic)
    {
        var options = Adam8bitKernelParityTests.Options(convention, m, v, stochastic) with { MinQuantizedSize = 4096 };
        LowPrecisionChecks.AssertResumeIsBitIdentical(ps => new AdamW8bit(ps, options), total: 9, saveAt: 4, file =>
            Assert.Equal(m == StatePrecision.Int8Blockwise ? SafetensorsDType.U8 : SafetensorsDType.BF16, file["state.w.state1"].DType));
    }

    [Fact]
    public void CorruptCodesFailTheLoadNamingTheParameter()
    {
        (string, Parameter)[] ps = [("w", new Parameter(Tensor.Ones(5000)))];
        ps[0].Item2.Grad = Tensor.Ones(5000);
        var opt = new AdamW8bit(ps.Select(x => x.Item2));
        opt.Step();
        var path = Path.Combine(Path.GetTempPath(), $"descent-adam8bit-{Guid.NewGuid():N}.safetensors");
        try
        {
            var tensors = new List<SafetensorsTensor>();
            var metadata = new Dictionary<string, string>();
            OptimizerCheckpoint.AddTo(tensors, metadata, opt, ps);
            var i = tensors.FindIndex(t => t.Name == "state.w.state1");
            tensors[i] = SafetensorsTensor.FromFloats("state.w.state1", new float[5000].Select(_ => 0.5f).ToArray(), [5000]);
            SafetensorsFile.Write(path, tensors, metadata);
            var fresh = new AdamW8bit(ps.Select(x => x.Item2));
            var e = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(path, fresh, ps));
            Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
            Assert.Contains("state1", e.Message, StringComparison.Ordinal);
            Assert.Null(fresh.GetState(ps[0].Item2));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
