using Descent.Optimizers;
using Descent.Optimizers.Kernels;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// The library's <c>adam8bit</c> / <c>adamw8bit</c> against <c>adam8bit.json</c> on both kernel paths: trajectories,
/// absmax after every step and the final codes of both conventions; and its maps against the file.
/// </summary>
[Trait("Category", "Parity")]
public sealed class Adam8bitParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, KernelPath> Rows()
    {
        var rows = new TheoryData<string, KernelPath>();
        foreach (var c in Adam8bitGolden.Instance.Cases)
        {
            rows.Add(c.Name, KernelPath.Reference);
            rows.Add(c.Name, KernelPath.Simd);
        }

        return rows;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DynamicMapsEqualTheFile(bool signed)
    {
        var expected = signed ? Adam8bitGolden.Instance.SignedMap : Adam8bitGolden.Instance.UnsignedMap;
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), DynamicMap.For(signed).Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void UsesTheFilesBlockSizeAndThreshold()
    {
        Assert.True(Adam8bitGolden.Instance.BlockSize == MomentStore.BlockSize, $"block size {MomentStore.BlockSize}, file {Adam8bitGolden.Instance.BlockSize}");
        Assert.Equal(Adam8bitGolden.Instance.MinQuantizedSize, new AdamW8bitOptions().MinQuantizedSize);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void ReproducesTheTrajectories(string name, KernelPath path)
    {
        var c = Adam8bitGolden.Instance.Case(name);
        output.WriteLine(TrajectoryReplay.Check(c, new LibraryImplementation(c, path)));
    }
}
