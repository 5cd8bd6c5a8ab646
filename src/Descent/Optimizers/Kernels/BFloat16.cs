using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// bfloat16 conversions for low-precision optimizer state: widening (exact), rounding to nearest even, and
/// stochastic rounding (round up with probability equal to the discarded fraction, so that the stored value is
/// unbiased), with random bits that are a pure function of (seed, step, stream, element index) — the same on
/// every thread split and after a resume.
/// </summary>
internal static class BFloat16
{
    /// <summary>The float32 value of bfloat16 bits (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary><paramref name="x"/> rounded to the nearest bfloat16, ties to even; NaN stays a (quiet) NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundNearestEven(float x)
    {
        var u = BitConverter.SingleToUInt32Bits(x);
        if (float.IsNaN(x))
        {
            return (ushort)((u >> 16) | 0x40);
        }

        return (ushort)((u + 0x7FFFu + ((u >> 16) & 1)) >> 16);
    }

    /// <summary><paramref name="x"/> rounded to one of its two neighbouring bfloat16 values, up (in magnitude) with
    /// probability (discarded low 16 bits)/2^16 given 16 uniform <paramref name="random"/> bits; ±Inf and NaN
    /// are kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundStochastic(float x, uint random)
    {
        var u = BitConverter.SingleToUInt32Bits(x);
        if (!float.IsFinite(x))
        {
            return RoundNearestEven(x);
        }

        var r = (u + (random & 0xFFFFu)) >> 16;

        // A finite value may not round up into infinity.
        return (ushort)((r & 0x7F80) == 0x7F80 ? u >> 16 : r);
    }

    /// <summary>32 random bits for element <paramref name="index"/> of the stream <paramref name="key"/> (from
    /// <see cref="StreamKey"/>; SplitMix64's finalizer over the combined key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint RandomBits(ulong key, long index)
    {
        var z = key + ((ulong)index * 0x9E3779B97F4A7C15ul);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return (uint)((z ^ (z >> 31)) >> 32);
    }

    /// <summary>The per-(seed, step, stream) key of <see cref="RandomBits"/>.</summary>
    public static ulong StreamKey(int seed, long step, int stream) =>
        RandomBits(((ulong)(uint)seed << 32) ^ (ulong)stream, step) * 0xD1B54A32D192ED03ul;

    /// <summary>Rounds every value of <paramref name="values"/> (elements from <paramref name="first"/> of a
    /// tensor) to bfloat16 stochastically under <paramref name="key"/>, in place.</summary>
    public static void RoundStochastic(Span<float> values, ulong key, long first)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ToSingle(RoundStochastic(values[i], RandomBits(key, first + i)));
        }
    }
}
