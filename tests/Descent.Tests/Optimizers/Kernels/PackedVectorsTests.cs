using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers.Kernels;

/// <summary>
/// The AVX2 codecs of the low-precision state (<see cref="PackedVectors"/>) against their scalar references
/// (<see cref="DynamicMap"/>, <see cref="BFloat16"/>) on the inputs where they could differ: every map value and
/// midpoint with its neighbouring floats (exact ties), ±0, ±1, NaN, ±Inf, and a dense sweep of [−1, 1].
/// </summary>
public sealed class PackedVectorsTests
{
    public static TheoryData<bool> Maps() => [true, false];

    [Theory]
    [MemberData(nameof(Maps))]
    public void NearestCodesEqualTheScalarSearch(bool signed)
    {
        if (!PackedVectors.IsSupported)
        {
            return; // no AVX2/FMA: the vector forms never run here
        }

        var map = DynamicMap.For(signed);
        var x = Pad(Candidates(map));
        var codes = new byte[x.Length];
        Assert.Equal(x.Length, PackedVectors.NearestCodes(x, 1f, map, keepSign: false, codes));
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(map.Nearest(x[i]) == codes[i], $"x = {x[i]:R}: scalar {map.Nearest(x[i])}, vector {codes[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void DecodeCodesEqualsTheMapTimesAbsmax(bool signed)
    {
        // Every code at every position of the 64-code AVX-512 pass and of the 8-code AVX2 tail.
        var map = DynamicMap.For(signed);
        var codes = Enumerable.Range(0, (256 * 64) + 40).Select(i => (byte)((i * 37) + (i / 256))).ToArray();
        var decoded = new float[codes.Length];
        var done = PackedVectors.IsSupported ? PackedVectors.DecodeCodes(codes, map, 0.3f, decoded) : 0;
        var expected = codes.Take(done).Select(c => BitConverter.SingleToInt32Bits(map.Values[c] * 0.3f));
        Assert.Equal(expected, decoded.Take(done).Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void TiesGoToTheEvenCode()
    {
        var map = DynamicMap.Signed;
        for (var k = 0; k < 255; k++)
        {
            Assert.Equal(k % 2 == 0 ? k : k + 1, map.Nearest(map.Midpoints[k]));
            Assert.Equal(k, map.Nearest(MathF.BitDecrement(map.Midpoints[k])));
            Assert.Equal(k + 1, map.Nearest(MathF.BitIncrement(map.Midpoints[k])));
        }

        Assert.Equal(0, map.Nearest(float.NaN));
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void LookupCodesEqualTheScalarTable(bool signed)
    {
        if (!PackedVectors.IsSupported)
        {
            return; // no AVX2/FMA: the vector forms never run here
        }

        var map = DynamicMap.For(signed);
        var x = Pad(Candidates(map));
        var codes = new byte[x.Length];
        foreach (var inv in new[] { 1f, 0.75f, 3.5f })
        {
            PackedVectors.LookupCodes(x, inv, map, codes);
            for (var i = 0; i < x.Length; i++)
            {
                Assert.True(map.Lookup(x[i] * inv) == codes[i], $"x = {x[i]:R}, inv {inv}: scalar {map.Lookup(x[i] * inv)}, vector {codes[i]}");
            }
        }
    }

    [Fact]
    public void HalvesAndAbsmaxEqualTheScalarForms()
    {
        if (!PackedVectors.IsSupported)
        {
            return; // no AVX2/FMA: the vector forms never run here
        }

        var x = Pad([.. Candidates(DynamicMap.Signed), 3.00390625f, 3.0078125f, 1e-40f, -65504.5f, float.MaxValue]);
        var h = new ushort[x.Length];
        PackedVectors.EncodeHalves(x, h);
        var back = new float[x.Length];
        PackedVectors.DecodeHalves(h, back);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(BFloat16.RoundNearestEven(x[i]), h[i]);
            Assert.Equal(BitConverter.SingleToInt32Bits(BFloat16.ToSingle(h[i])), BitConverter.SingleToInt32Bits(back[i]));
        }

        var finite = x.Where(float.IsFinite).ToArray();
        var (top, done) = PackedVectors.Absmax(finite.Concat(new[] { float.NaN }).ToArray(), 0.25f);
        var expected = 0.25f;
        foreach (var v in finite.Take(done))
        {
            expected = MathF.Abs(v) > expected ? MathF.Abs(v) : expected;
        }

        Assert.Equal(expected, top);
    }

    private static List<float> Candidates(DynamicMap map)
    {
        var x = new List<float> { 0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        foreach (var v in map.Values.Concat(map.Midpoints.Take(255)))
        {
            x.AddRange([v, MathF.BitDecrement(v), MathF.BitIncrement(v), MathF.BitDecrement(MathF.BitDecrement(v)), MathF.BitIncrement(MathF.BitIncrement(v))]);
        }

        for (var i = 0; i <= 100_000; i++)
        {
            x.Add(-1f + (2f * i / 100_000));
        }

        return x;
    }

    private static float[] Pad(List<float> x)
    {
        while (x.Count % 32 != 0)
        {
            x.Add(0f);
        }

        return [.. x];
    }
}
