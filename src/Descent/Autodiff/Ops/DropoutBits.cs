using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Descent.Numerics;

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
        var groups = Math.Max(1, Math.Min(Math.Min(ParallelRange.MaxWorkers, WorkerPool.Shared.Capacity), MaxGroups));
        while (groups > 1 && count / (groups * Lanes * 32) * 32 < MinLaneBits)
        {
            groups--;
        }

        var chunk = count / (groups * Lanes * 32) * 32;
        if (Avx512F.IsSupported && chunk >= MinLaneBits)
        {
            FillLanes(rng, threshold, bits, count, chunk, groups);
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

    /// <summary>Lane t holds 2^t.</summary>
    private static readonly Vector512<int> LaneBits = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);

    /// <summary>Most lane groups (one per worker).</summary>
    private const int MaxGroups = 16;

    [ThreadStatic]
    private static FillJob? fillJob;

    /// <summary>Jump polynomials x^chunk mod p (words 0–3) with their chunk (word 4) for the last few lane lengths (a
    /// training step alternates between a few mask sizes); slots are replaced whole, round robin.</summary>
    private static readonly ulong[]?[] LaneJumps = new ulong[]?[8];

    private static int nextJumpSlot;

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

    /// <summary>Lane l of group g draws bits [(16g + l)·chunk, (16g + l + 1)·chunk) (chunk a multiple of 32), its generator
    /// started that many draws ahead; the groups run on the worker pool, and the last lane's final state continues with the
    /// rest of the stream, one draw after another.</summary>
    private static unsafe void FillLanes(Rng rng, ulong threshold, Span<int> bits, long count, long chunk, int groups)
    {
        var g = LaneJump(chunk);

        var lanes = groups * Lanes;
        var state = stackalloc ulong[4 * lanes];
        rng.ReadState(out var a, out var b, out var c, out var d);
        for (var l = 0; l < lanes; l++)
        {
            if (l > 0)
            {
                RngJump.Apply(g.AsSpan(0, 4), ref a, ref b, ref c, ref d);
            }

            // Per group of 16 lanes, word-major: word w of lane l at group[w·16 + l], so each word of a group is two vectors.
            var group = state + ((l / Lanes) * 4 * Lanes);
            var lane = l % Lanes;
            group[lane] = a;
            group[Lanes + lane] = b;
            group[(2 * Lanes) + lane] = c;
            group[(3 * Lanes) + lane] = d;
        }

        var wordsPerLane = (int)(chunk >> 5);
        fixed (int* pb = bits)
        {
            var job = fillJob ??= new FillJob();
            job.Set(state, threshold, pb, wordsPerLane, groups);
            WorkerPool.Shared.Run(job, groups);
        }

        // The last lane stopped lanes·chunk draws ahead of the start: the rest of the stream continues from there.
        var last = state + ((groups - 1) * 4 * Lanes);
        a = last[Lanes - 1];
        b = last[(2 * Lanes) - 1];
        c = last[(3 * Lanes) - 1];
        d = last[(4 * Lanes) - 1];
        FillScalar(ref a, ref b, ref c, ref d, threshold, bits, lanes * wordsPerLane, count);
        rng.WriteState(a, b, c, d);
    }

    private static ulong[] LaneJump(long chunk)
    {
        foreach (var slot in LaneJumps)
        {
            if (slot is not null && (long)slot[4] == chunk)
            {
                return slot;
            }
        }

        var g = new ulong[5];
        RngJump.Power(chunk, g.AsSpan(0, 4));
        g[4] = (ulong)chunk;
        LaneJumps[(Interlocked.Increment(ref nextJumpSlot) & int.MaxValue) % LaneJumps.Length] = g;
        return g;
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

    /// <summary>mask[i] = <paramref name="scale"/> where element i is kept, else 0, for i &lt; <paramref name="count"/>.</summary>
    public static void Expand(ReadOnlySpan<int> bits, long count, float scale, Span<float> mask)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var kept = Vector512.Create(scale);
            for (; i + 32 <= count; i += 32)
            {
                var word = bits[i >> 5];
                Vector512.ConditionalSelect(Lanes16(word), kept, Vector512<float>.Zero).StoreUnsafe(ref mask[i]);
                Vector512.ConditionalSelect(Lanes16(word >>> 16), kept, Vector512<float>.Zero).StoreUnsafe(ref mask[i + 16]);
            }
        }

        for (; i < count; i++)
        {
            mask[i] = Keeps(bits, i) ? scale : 0f;
        }
    }

    /// <summary>All-ones lanes for the kept elements among the 16 from <paramref name="index"/> on; the mask must hold one
    /// word past the word of bit <paramref name="index"/> + 15 (the bits are read as one 64-bit window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> KeepMask(int* bits, long index) =>
        Lanes16((int)(Unsafe.ReadUnaligned<ulong>(bits + (index >> 5)) >> (int)(index & 31)));

    /// <summary>All-ones lane t where bit t of <paramref name="word"/> is set (t &lt; 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lanes16(int word) => Vector512.Equals(Vector512.Create(word) & LaneBits, LaneBits).AsSingle();

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static unsafe bool Keeps(int* bits, long index) => ((bits[index >> 5] >>> (int)(index & 31)) & 1) != 0;

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static bool Keeps(ReadOnlySpan<int> bits, long index) => ((bits[(int)(index >> 5)] >>> (int)(index & 31)) & 1) != 0;

    /// <summary>Runs the lane groups of one <see cref="Fill"/> across the workers (group g's state at state + g·64 words,
    /// its bits from word g·16·wordsPerLane on).</summary>
    private sealed unsafe class FillJob : IWorkerJob
    {
        private ulong* state;
        private int* bits;
        private ulong threshold;
        private int wordsPerLane, groups;

        public void Set(ulong* state, ulong threshold, int* bits, int wordsPerLane, int groups)
        {
            this.state = state;
            this.threshold = threshold;
            this.bits = bits;
            this.wordsPerLane = wordsPerLane;
            this.groups = groups;
        }

        public void Execute(int worker, int workers)
        {
            int first = groups * worker / workers, end = groups * (worker + 1) / workers;
            for (var g = first; g < end; g++)
            {
                DrawLanes(state + (g * 4 * Lanes), threshold, bits + ((long)g * Lanes * wordsPerLane), wordsPerLane);
            }
        }
    }
}
