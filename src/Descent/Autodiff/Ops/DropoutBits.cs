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
    /// k ≥ ⌈p·2⁵³⌉ (scaling by a power of two is exact): the comparison runs on integers, without a branch.</remarks>
    public static void Fill(Rng rng, double p, Span<int> bits, long count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var words = Words(count);
        var threshold = (ulong)Math.Ceiling(p * (1UL << 53));
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

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static unsafe bool Keeps(int* bits, long index) => ((bits[index >> 5] >>> (int)(index & 31)) & 1) != 0;

    /// <summary>True when element <paramref name="index"/> is kept.</summary>
    public static bool Keeps(ReadOnlySpan<int> bits, long index) => ((bits[(int)(index >> 5)] >>> (int)(index & 31)) & 1) != 0;
}
