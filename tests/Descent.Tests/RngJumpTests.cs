namespace Descent.Tests;

/// <summary><see cref="RngJump"/> against plain stepping: the state n draws ahead, for n around the polynomial degree
/// (256), powers of two and large odd counts, from several seeds; the jump polynomial of n = 0 is the identity.</summary>
public sealed class RngJumpTests
{
    [Theory]
    [InlineData(0UL, 0L)]
    [InlineData(1UL, 1L)]
    [InlineData(2UL, 63L)]
    [InlineData(3UL, 255L)]
    [InlineData(4UL, 256L)]
    [InlineData(5UL, 257L)]
    [InlineData(6UL, 1024L)]
    [InlineData(7UL, 4097L)]
    [InlineData(8UL, 196_608L)]
    [InlineData(9UL, 1_000_003L)]
    public void AdvanceEqualsStepping(ulong seed, long n)
    {
        var stepped = new Rng(seed);
        for (long i = 0; i < n; i++)
        {
            stepped.NextUInt64();
        }

        new Rng(seed).ReadState(out var a, out var b, out var c, out var d);
        RngJump.Advance(n, ref a, ref b, ref c, ref d);
        var jumped = new Rng(seed);
        jumped.WriteState(a, b, c, d);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(stepped.NextUInt64(), jumped.NextUInt64());
        }
    }

    [Fact]
    public void JumpsCompose()
    {
        new Rng(11).ReadState(out var a, out var b, out var c, out var d);
        var (a2, b2, c2, d2) = (a, b, c, d);
        RngJump.Advance(70_000, ref a, ref b, ref c, ref d);
        RngJump.Advance(30_001, ref a, ref b, ref c, ref d);
        RngJump.Advance(100_001, ref a2, ref b2, ref c2, ref d2);
        Assert.Equal((a2, b2, c2, d2), (a, b, c, d));
    }

    [Fact]
    public void NegativeCountIsRejected()
    {
        ulong a = 1, b = 2, c = 3, d = 4;
        Assert.Throws<ArgumentOutOfRangeException>(() => RngJump.Advance(-1, ref a, ref b, ref c, ref d));
    }
}
