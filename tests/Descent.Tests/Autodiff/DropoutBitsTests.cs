using Descent.Autodiff.Ops;
using Descent.Nn;
using Descent.Numerics;

namespace Descent.Tests.Autodiff;

/// <summary>
/// The dropout keep bits: <see cref="DropoutBits.Fill"/> (16 xoshiro256** lanes per worker started with jump-ahead, with
/// AVX-512) against <see cref="DropoutBits.FillReference"/> (one draw after another) — the same bits and the same
/// generator state afterwards, for counts below, at and above the lane path's thresholds, odd counts, p from 0 to 1 and
/// 1, 2 or 3 workers; the expanded float mask; and the <see cref="Dropout"/> layer against one
/// <see cref="Rng.NextDouble"/> per element, kept when ≥ p.
/// </summary>
public sealed class DropoutBitsTests
{
    public static TheoryData<long, double> Counts() => new()
    {
        { 0, 0.1 }, { 1, 0.5 }, { 31, 0.1 }, { 33, 0.9 }, { 16_383, 0.1 }, { 16_384, 0.1 }, { 16_417, 0.3 },
        { 32_768, 0.1 }, { 99_999, 0.1 }, { 786_432, 0.1 }, { 1_000_003, 0 }, { 65_537, 1 }, { 3_145_728, 0.1 },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void FillEqualsOneDrawAfterAnother(long count, double p)
    {
        var saved = ParallelRange.MaxWorkers;
        try
        {
            foreach (var workers in (int[])[1, 2, 3])
            {
                ParallelRange.MaxWorkers = workers;
                var (fast, reference) = (new Rng(7), new Rng(7));
                fast.NextUInt64();
                reference.NextUInt64();
                var words = DropoutBits.Words(count);
                var expected = new int[words];
                var actual = new int[words];
                DropoutBits.FillReference(reference, p, expected, count);
                DropoutBits.Fill(fast, p, actual, count);
                Assert.Equal(expected, actual);
                Assert.Equal(reference.NextUInt64(), fast.NextUInt64());
            }
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(1000)]
    public void ExpandGivesTheScaleWhereKept(int count)
    {
        var bits = new int[DropoutBits.Words(count)];
        DropoutBits.FillReference(new Rng(3), 0.4, bits, count);
        var mask = new float[count];
        DropoutBits.Expand(bits, count, 2.5f, mask);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(DropoutBits.Keeps(bits, i) ? 2.5f : 0f, mask[i]);
        }
    }

    [Theory]
    [InlineData(1000, 0.1)]
    [InlineData(70_001, 0.25)]
    [InlineData(786_432, 0.1)]
    public void DropoutLayerDrawsOneNextDoublePerElement(int length, double p)
    {
        var x = Tensor.Normal(new Rng(1), 0, 1, length);
        var layer = new Dropout(p, new Rng(5));
        var y = layer.Forward(x).ToArray();
        var reference = new Rng(5);
        var scale = (float)(1.0 / (1.0 - p));
        var xs = x.ToArray();
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(reference.NextDouble() >= p ? xs[i] * scale : 0f, y[i]);
        }

        Assert.Equal(reference.NextUInt64(), layer.Rng.NextUInt64());
    }
}
