using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Autodiff.Ops;

/// <summary>
/// A dropout keep mask stored as bits (32 per <see cref="int"/>), drawn exactly as <see cref="DropoutOp"/> draws its
/// float mask: one <see cref="Rng.NextDouble"/> per element in element order, kept when ≥ p. A fused op that draws its
/// mask here therefore drops the same elements as the unfused dropout given the same generator state, and leaves the
/// generator in the same state.
/// </summary>
internal static class DropoutBits
{
    /// <summary>Number of <see cref="int"/> words holding <paramref name="count"/> bits.</summary>
    public static int Words(long count)
    {
        var words = (count + 31) >> 5;
        if (words > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "dropout mask too large for one array");
        }

        return (int)words;
    }

    /// <summary>1/(1 − p), or 0 for p ≥ 1 (everything dropped), as <see cref="DropoutOp"/>.</summary>
    public static float KeepScale(double p) => p >= 1 ? 0f : (float)(1.0 / (1.0 - p));

    /// <summary>Draws <paramref name="count"/> keep bits into <paramref name="bits"/> (every word written).</summary>
    /// <remarks><see cref="Rng.NextDouble"/> is k·2⁻⁵³ with k = the draw's top 53 bits, so "≥ p" is exactly
    /// k ≥ ⌈p·2⁵³⌉ (scaling by a power of two is exact): the comparison runs on integers, without a branch. With AVX-512
    /// a long mask is drawn by <see cref="Lanes"/> xoshiro256** generators side by side, one per contiguous piece of the
    /// stream, started at their piece with <see cref="RngJump"/>: the same bits as <see cref="FillReference"/> (the
    /// draws one after another) and the same generator state afterwards.</remarks>
    public static void Fill(Rng rng, double p, Span<int> bits, long count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var threshold = Threshold(p);
        var chunk = (count / (Lanes * 32)) * 32;
        if (Avx512F.IsSupported && chunk >= MinLaneBits)
        {
            FillLanes(rng, threshold, bits, count, chunk);
        }
        else
        {
            rng.ReadState(out var a, out var b, out var c, out var d);
            FillScalar(ref a, ref b, ref c, ref d, threshold, bits, 0, count);
            rng.WriteState(a, b, c, d);
        }
    }

    /// <summary>The scalar reference of <see cref="Fill"/>: one draw after another.</summary>
    internal static void FillReference(Rng rng, double p, Span<int> bits, long count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var threshold = Threshold(p);
        var words = Words(count);
        for (var w = 0; w < words; w++)
        {
            var n = (int)Math.Min(32, count - ((long)w << 5));
            var word = 0u;
            for (var t = 0; t < n; t++)
            {
                word |= ((rng.NextUInt64() >> 11) >= threshold ? 1u : 0u) << t;
            }

            bits[w] = (int)word;
        }
    }

    /// <summary>Generators run side by side by the AVX-512 path (two vectors of 8).</summary>
    internal const int Lanes = 16;

    /// <summary>Fewest bits per lane for the lane path (below, the jumps cost more than they save).</summary>
    internal const long MinLaneBits = 1024;

    /// <summary>x^chunk mod p for the last lane length (words 0–3) and that length (word 4); replaced whole.</summary>
    private static ulong[]? laneJump;

    private static ulong Threshold(double p) => (ulong)Math.Ceiling(p * (1UL << 53));

    /// <summary>Bits [<paramref name="first"/>·32, count) from the state (a, b, c, d) on, one draw after another, from
    /// word <paramref name="first"/>; the state is advanced past them.</summary>
    private static void FillScalar(ref ulong a, ref ulong b, ref ulong c, ref ulong d, ulong threshold, Span<int> bits, int first, long count)
    {
        var words = Words(count);
        for (var w = first; w < words; w++)
        {
            var n = (int)Math.Min(32, count - ((long)w << 5));
            var word = 0u;
            for (var t = 0; t < n; t++)
            {
                word |= ((Rng.Step(ref a, ref b, ref c, ref d) >> 11) >= threshold ? 1u : 0u) << t;
            }

            bits[w] = (int)word;
        }
    }

    /// <summary>Lane l draws bits [l·chunk, (l + 1)·chunk) (chunk a multiple of 32), its generator started
    /// l·chunk draws ahead; the last lane's final state continues with the rest, one draw after another.</summary>
    private static unsafe void FillLanes(Rng rng, ulong threshold, Span<int> bits, long count, long chunk)
    {
        var g = laneJump;
        if (g is null || (long)g[4] != chunk)
        {
            g = new ulong[5];
            RngJump.Power(chunk, g.AsSpan(0, 4));
            g[4] = (ulong)chunk;
            laneJump = g;
        }

        var state = stackalloc ulong[4 * Lanes];
        rng.ReadState(out var a, out var b, out var c, out var d);
        for (var l = 0; l < Lanes; l++)
        {
            if (l > 0)
            {
                RngJump.Apply(g.AsSpan(0, 4), ref a, ref b, ref c, ref d);
            }

            // Word-major: word w of lane l at state[w·Lanes + l], so each word of the 16 lanes is two vectors.
            state[l] = a;
            state[Lanes + l] = b;
            state[(2 * Lanes) + l] = c;
            state[(3 * Lanes) + l] = d;
        }

        var wordsPerLane = (int)(chunk >> 5);
        fixed (int* pb = bits)
        {
            DrawLanes(state, threshold, pb, wordsPerLane);
        }

        // The last lane stopped 16·chunk draws ahead of the start: the rest of the stream continues from there.
        a = state[Lanes - 1];
        b = state[(2 * Lanes) - 1];
        c = state[(3 * Lanes) - 1];
        d = state[(4 * Lanes) - 1];
        FillScalar(ref a, ref b, ref c, ref d, threshold, bits, Lanes * wordsPerLane, count);
        rng.WriteState(a, b, c, d);
    }

    /// <summary>xoshiro256** on 16 lanes (two Vector512 per state word), 32 draws per word; lane l writes words
    /// [l·wordsPerLane, (l + 1)·wordsPerLane). The state is left after the last draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DrawLanes(ulong* state, ulong threshold, int* bits, int wordsPerLane)
    {
        var a0 = Vector512.Load(state);
        var a1 = Vector512.Load(state + 8);
        var b0 = Vector512.Load(state + Lanes);
        var b1 = Vector512.Load(state + Lanes + 8);
        var c0 = Vector512.Load(state + (2 * Lanes));
        var c1 = Vector512.Load(state + (2 * Lanes) + 8);
        var d0 = Vector512.Load(state + (3 * Lanes));
        var d1 = Vector512.Load(state + (3 * Lanes) + 8);
        var limit = Vector512.Create(threshold);
        var words = stackalloc ulong[Lanes];
        for (var w = 0; w < wordsPerLane; w++)
        {
            Vector512<ulong> k0 = default, k1 = default;
            var bit = Vector512.Create(1UL);
            for (var t = 0; t < 32; t++)
            {
                // result = rotl(b·5, 7)·9 with the products as shifts and adds; then the state update of Rng.Step.
                var r0 = Avx512F.RotateLeft((b0 << 2) + b0, 7);
                var r1 = Avx512F.RotateLeft((b1 << 2) + b1, 7);
                r0 = (r0 << 3) + r0;
                r1 = (r1 << 3) + r1;
                k0 |= Vector512.GreaterThanOrEqual(r0 >>> 11, limit) & bit;
                k1 |= Vector512.GreaterThanOrEqual(r1 >>> 11, limit) & bit;
                bit <<= 1;
                var t0 = b0 << 17;
                var t1 = b1 << 17;
                c0 ^= a0;
                c1 ^= a1;
                d0 ^= b0;
                d1 ^= b1;
                b0 ^= c0;
                b1 ^= c1;
                a0 ^= d0;
                a1 ^= d1;
                c0 ^= t0;
                c1 ^= t1;
                d0 = Avx512F.RotateLeft(d0, 45);
                d1 = Avx512F.RotateLeft(d1, 45);
            }

            k0.Store(words);
            k1.Store(words + 8);
            for (var l = 0; l < Lanes; l++)
            {
                bits[(l * wordsPerLane) + w] = (int)(uint)words[l];
            }
        }

        a0.Store(state);
        a1.Store(state + 8);
        b0.Store(state + Lanes);
        b1.Store(state + Lanes + 8);
        c0.Store(state + (2 * Lanes));
        c1.Store(state + (2 * Lanes) + 8);
        d0.Store(state + (3 * Lanes));
        d1.Store(state + (3 * Lanes) + 8);
    }

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static unsafe bool Keeps(int* bits, long index) => ((bits[index >> 5] >>> (int)(index & 31)) & 1) != 0;

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static bool Keeps(ReadOnlySpan<int> bits, long index) => ((bits[(int)(index >> 5)] >>> (int)(index & 31)) & 1) != 0;
}
