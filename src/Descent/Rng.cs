namespace Descent;

/// <summary>
/// The seeded random generator used everywhere in Descent: xoshiro256** (Blackman and Vigna, 2018),
/// seeded through SplitMix64, so a seed gives the same stream on every machine and .NET version.
/// </summary>
/// <remarks>
/// <para><see cref="NextFloat"/> returns the top 24 bits as a float in [0, 1); <see cref="NextDouble"/>
/// the top 53 bits in [0, 1). <see cref="NextNormal"/> uses the Box–Muller transform on two doubles
/// and caches the second value. The state (four 64-bit words and the cached normal) can be saved and
/// restored with <see cref="GetState"/> / <see cref="SetState"/>, so a resumed run draws the same numbers.</para>
/// <para>Not thread-safe: give each thread its own generator (see <see cref="Fork"/>).</para>
/// </remarks>
public sealed class Rng
{
    private ulong s0, s1, s2, s3;
    private double cachedNormal;
    private bool hasCachedNormal;

    /// <summary>Creates a generator from a seed.</summary>
    public Rng(ulong seed)
    {
        Seed = seed;
        var x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>The seed this generator was created from.</summary>
    public ulong Seed { get; }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Lemire's nearly divisionless method.
        var range = (ulong)maxExclusive;
        var m = (UInt128)(NextUInt64() >> 32) * range;
        var low = (ulong)m & 0xFFFFFFFF;
        if (low < range)
        {
            var threshold = (0x1_0000_0000UL - range) % range;
            while (low < threshold)
            {
                m = (UInt128)(NextUInt64() >> 32) * range;
                low = (ulong)m & 0xFFFFFFFF;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Standard normal sample (Box–Muller).</summary>
    public double NextNormal()
    {
        if (hasCachedNormal)
        {
            hasCachedNormal = false;
            return cachedNormal;
        }

        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);

        var u2 = NextDouble();
        var r = Math.Sqrt(-2.0 * Math.Log(u1));
        var theta = 2.0 * Math.PI * u2;
        cachedNormal = r * Math.Sin(theta);
        hasCachedNormal = true;
        return r * Math.Cos(theta);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>An independent generator derived from this one's stream (for workers or sub-tasks).</summary>
    public Rng Fork() => new(NextUInt64());

    /// <summary>The full generator state, for checkpoints.</summary>
    public RngState GetState() => new(Seed, s0, s1, s2, s3, hasCachedNormal, cachedNormal);

    /// <summary>Restores a state saved by <see cref="GetState"/>.</summary>
    public void SetState(RngState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            throw new ArgumentException("an all-zero xoshiro256** state is invalid", nameof(state));
        }

        (s0, s1, s2, s3) = (state.S0, state.S1, state.S2, state.S3);
        hasCachedNormal = state.HasCachedNormal;
        cachedNormal = state.CachedNormal;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
