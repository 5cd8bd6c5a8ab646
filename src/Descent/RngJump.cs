namespace Descent;

/// <summary>
/// Jump-ahead for <see cref="Rng"/>'s xoshiro256**: the state n draws ahead in ≈ 256 steps whatever n, so a long stream
/// can be split into pieces drawn side by side (SIMD lanes, threads) that together give exactly the numbers, and leave
/// exactly the state, of drawing them one after another.
/// </summary>
/// <remarks>
/// <para>The state transition T is linear over GF(2), so T^n = g(T) with g(x) = x^n mod p(x), p the characteristic
/// polynomial of T (degree 256, primitive since the period is 2²⁵⁶ − 1), and g(T)·s is evaluated by Horner's rule with
/// 256 steps (Haramoto, Matsumoto, Nishimura, Panneton, L'Ecuyer, "Efficient jump ahead for F2-linear random number
/// generators", 2008). p is not transcribed: it is found once with Berlekamp–Massey from 512 bits of the state sequence
/// (the minimal polynomial of any nonzero linear output of a full-period linear generator is its characteristic
/// polynomial); the tests check jumps against plain stepping.</para>
/// <para>Polynomials of degree &lt; 256 are four 64-bit words, coefficient of x^k in bit k % 64 of word k / 64.</para>
/// </remarks>
internal static class RngJump
{
    /// <summary>Degree of the characteristic polynomial (the state's bit count).</summary>
    public const int Degree = 256;

    /// <summary>p(x) − x²⁵⁶ (the x²⁵⁶ term is implicit).</summary>
    private static readonly ulong[] Characteristic = FindCharacteristic();

    /// <summary>x^<paramref name="n"/> mod p(x) into <paramref name="result"/> (4 words).</summary>
    public static void Power(long n, Span<ulong> result)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Span<ulong> square = stackalloc ulong[4];
        Span<ulong> product = stackalloc ulong[4];
        result.Clear();
        result[0] = 1; // x⁰
        square.Clear();
        square[0] = 2; // x¹
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                MultiplyMod(result, square, product);
                product.CopyTo(result);
            }

            n >>= 1;
            if (n != 0)
            {
                MultiplyMod(square, square, product);
                product.CopyTo(square);
            }
        }
    }

    /// <summary>Replaces the state (a, b, c, d) by g(T)·state, g from <see cref="Power"/>: with g = x^n mod p, the state
    /// after n draws.</summary>
    public static void Apply(ReadOnlySpan<ulong> g, ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        ulong r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        for (var i = Degree - 1; i >= 0; i--)
        {
            Rng.Step(ref r0, ref r1, ref r2, ref r3);
            if (((g[i >> 6] >> (i & 63)) & 1) != 0)
            {
                r0 ^= a;
                r1 ^= b;
                r2 ^= c;
                r3 ^= d;
            }
        }

        (a, b, c, d) = (r0, r1, r2, r3);
    }

    /// <summary>Advances the state (a, b, c, d) by <paramref name="n"/> draws.</summary>
    public static void Advance(long n, ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        Span<ulong> g = stackalloc ulong[4];
        Power(n, g);
        Apply(g, ref a, ref b, ref c, ref d);
    }

    /// <summary>product = x·y mod p (shift-and-add, high coefficient of x first).</summary>
    private static void MultiplyMod(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> product)
    {
        ulong r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        ulong p0 = Characteristic[0], p1 = Characteristic[1], p2 = Characteristic[2], p3 = Characteristic[3];
        ulong y0 = y[0], y1 = y[1], y2 = y[2], y3 = y[3];
        for (var i = Degree - 1; i >= 0; i--)
        {
            // r ← r·x mod p: shift left by one; a carried-out x²⁵⁶ becomes p − x²⁵⁶.
            var carry = r3 >> 63;
            r3 = (r3 << 1) | (r2 >> 63);
            r2 = (r2 << 1) | (r1 >> 63);
            r1 = (r1 << 1) | (r0 >> 63);
            r0 <<= 1;
            var reduce = 0UL - carry;
            r0 ^= p0 & reduce;
            r1 ^= p1 & reduce;
            r2 ^= p2 & reduce;
            r3 ^= p3 & reduce;
            var add = 0UL - ((x[i >> 6] >> (i & 63)) & 1);
            r0 ^= y0 & add;
            r1 ^= y1 & add;
            r2 ^= y2 & add;
            r3 ^= y3 & add;
        }

        product[0] = r0;
        product[1] = r1;
        product[2] = r2;
        product[3] = r3;
    }

    /// <summary>Berlekamp–Massey over GF(2) on the lowest bit of the first state word along 2·256 steps from a fixed
    /// nonzero state; the connection polynomial C(x) of length L = 256 gives p(x) = x^L·C(1/x).</summary>
    private static ulong[] FindCharacteristic()
    {
        const int n = 2 * Degree;
        var sequence = new byte[n];
        var seed = new Rng(0x5EED);
        seed.ReadState(out var a, out var b, out var c, out var d);
        for (var i = 0; i < n; i++)
        {
            sequence[i] = (byte)(a & 1);
            Rng.Step(ref a, ref b, ref c, ref d);
        }

        var connection = new byte[n + 1];
        var previous = new byte[n + 1];
        var swap = new byte[n + 1];
        connection[0] = previous[0] = 1;
        int length = 0, gap = 1;
        for (var i = 0; i < n; i++)
        {
            var discrepancy = sequence[i];
            for (var j = 1; j <= length; j++)
            {
                discrepancy ^= (byte)(connection[j] & sequence[i - j]);
            }

            if (discrepancy == 0)
            {
                gap++;
                continue;
            }

            var grow = 2 * length <= i;
            if (grow)
            {
                connection.CopyTo(swap, 0);
            }

            for (var j = 0; j + gap <= n; j++)
            {
                connection[j + gap] ^= previous[j];
            }

            if (grow)
            {
                length = i + 1 - length;
                (previous, swap) = (swap, previous);
                gap = 1;
            }
            else
            {
                gap++;
            }
        }

        if (length != Degree)
        {
            throw new InvalidOperationException($"xoshiro256** jump-ahead: the state sequence's linear complexity is {length}, expected {Degree}");
        }

        var low = new ulong[4];
        for (var k = 0; k < Degree; k++)
        {
            low[k >> 6] |= (ulong)connection[Degree - k] << (k & 63);
        }

        return low;
    }
}
