using Xunit.Abstractions;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// The reference transcription (<see cref="BnbReference"/>) against <c>adam8bit.json</c>: the dynamic maps equal
/// the file's <c>create_dynamic_map</c> values (all 256, bit for bit), the standalone quantization cases, and every
/// trajectory case of both semantics.
/// </summary>
[Trait("Category", "Parity")]
public sealed class BnbReferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void TranscribesTheCommitOfTheGoldenFile() =>
        Assert.True(Adam8bitGolden.Instance.Commit == BnbReference.Commit, $"file: {Adam8bitGolden.Instance.Commit}");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DynamicMapsEqualTheFile(bool signed)
    {
        var expected = signed ? Adam8bitGolden.Instance.SignedMap : Adam8bitGolden.Instance.UnsignedMap;
        var actual = BnbReference.CreateDynamicMap(signed);
        Assert.Equal(256, expected.Length);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [MemberData(nameof(Adam8bitGolden.QuantizeCaseNames), MemberType = typeof(Adam8bitGolden))]
    public void QuantizesAsTheFile(string name)
    {
        var q = Adam8bitGolden.Instance.QuantizeCases.Single(x => x.Name == name);
        var map = BnbReference.CreateDynamicMap(q.Signed);
        var codes = new byte[q.Input.Length];
        var absmax = new float[q.Absmax.Length];
        if (q.Semantics == "bnb_cuda")
        {
            BnbReference.QuantizeCuda(map, q.Input, absmax, codes);
        }
        else
        {
            BnbReference.QuantizeCpu(map, q.Input, absmax, codes);
        }

        Assert.Equal(q.Absmax, absmax);
        Assert.Equal(q.Codes, codes);
        Assert.Equal(q.Dequantized, BnbReference.Dequantize(map, codes, absmax));
    }

    [Fact]
    public void BothCudaSearchesAgreeOnEveryMidpointAndNeighbour()
    {
        foreach (var signed in new[] { true, false })
        {
            var map = BnbReference.CreateDynamicMap(signed);
            for (var k = 0; k < 255; k++)
            {
                var mid = (map[k] + map[k + 1]) * 0.5f;
                foreach (var x in new[] { mid, MathF.BitDecrement(mid), MathF.BitIncrement(mid), map[k] })
                {
                    Assert.Equal(BnbReference.DQuantize(map, x), BnbReference.Quantize2D(map, signed, x));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Adam8bitGolden.CaseNames), MemberType = typeof(Adam8bitGolden))]
    public void ReproducesTheTrajectories(string name)
    {
        var c = Adam8bitGolden.Instance.Case(name);
        output.WriteLine(TrajectoryReplay.Check(c, new ReferenceImplementation(c)));
    }
}
