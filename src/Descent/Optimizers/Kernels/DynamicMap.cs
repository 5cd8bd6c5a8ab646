using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// bitsandbytes' 8-bit dynamic quantization maps (<c>functional.create_dynamic_map(signed, 7, 8)</c>, 256 sorted
/// values in [−1, 1]) and the two ways its kernels find a value's code: the CUDA search (nearest map value, an exact
/// tie to the even index) and the CPU backend's 65,536-entry lookup table (<c>csrc/cpu_ops.cpp</c>,
/// <c>build_quantize_lut</c>).
/// </summary>
internal sealed class DynamicMap
{
    /// <summary>The code of 0.0 in the signed map: codes below it have negative values.</summary>
    public const int ZeroCode = 127;

    /// <summary>Number of table slots of the CPU quantizer, and of buckets (the upper 16 bits of a float).</summary>
    private const int LutSize = 1 << 16;

    // Both byte tables carry 3 bytes of padding, so that a 32-bit gather at any slot stays inside.
    private readonly float[] midpoints = new float[256];
    private readonly byte[] lut = new byte[LutSize + 3];
    private readonly byte[] buckets = new byte[LutSize + 3];
    private readonly byte[] planes = new byte[(4 * 256) + 64];

    private DynamicMap(bool signed)
    {
        Values = Create(signed);
        for (var k = 0; k < 255; k++)
        {
            midpoints[k] = 0.5f * (Values[k] + Values[k + 1]);
        }

        midpoints[255] = float.PositiveInfinity;
        for (var k = 0; k < 256; k++)
        {
            var bits = BitConverter.SingleToUInt32Bits(Values[k]);
            for (var b = 0; b < 4; b++)
            {
                planes[(b * 256) + k] = (byte)(bits >> (8 * b));
            }
        }

        // The decode's code order: byte l·16 + r·4 + j takes code r·16 + l·4 + j (see PackedVectors.DecodeCodes).
        for (var i = 0; i < 64; i++)
        {
            planes[(4 * 256) + i] = (byte)((((i >> 2) & 3) << 4) | ((i >> 4) << 2) | (i & 3));
        }

        var code = 0;
        for (var j = 0; j < LutSize; j++)
        {
            var y = -1f + ((2f * j) / (LutSize - 1));
            while (code < 255 && midpoints[code] < y)
            {
                code++;
            }

            lut[j] = (byte)code;
        }

        // Bucket h holds the floats whose upper 16 bits are h; its entry counts the midpoints below its least value.
        for (var h = 0; h < LutSize; h++)
        {
            var least = BitConverter.Int32BitsToSingle((h << 16) | ((h & 0x8000) != 0 ? 0xFFFF : 0));
            buckets[h] = (byte)Math.Min(midpoints.Count(x => x < least), 255);
        }

        for (var k = 0; k < 254; k++)
        {
            if ((BitConverter.SingleToInt32Bits(midpoints[k]) >> 16) == (BitConverter.SingleToInt32Bits(midpoints[k + 1]) >> 16))
            {
                throw new InvalidOperationException($"midpoints {k} and {k + 1} share a 16-bit bucket");
            }
        }

        if (signed && (!float.IsNegative(Values[ZeroCode - 1]) || float.IsNegative(Values[ZeroCode]) || Values[ZeroCode] != 0))
        {
            throw new InvalidOperationException($"the signed map's code {ZeroCode} is not its first non-negative value 0");
        }
    }

    /// <summary>The signed map (first moments): 127 negative values from −0.99296874, 0 at code 127, 1 at 255.</summary>
    public static DynamicMap Signed { get; } = new(signed: true);

    /// <summary>The unsigned map (second moments): 0 at code 0, 1 at 255.</summary>
    public static DynamicMap Unsigned { get; } = new(signed: false);

    /// <summary>The 256 map values, ascending (never modified).</summary>
    public float[] Values { get; }

    /// <summary>The 255 midpoints f32(0.5·(q_k + q_k+1)) and +∞ (never modified).</summary>
    public float[] Midpoints => midpoints;

    /// <summary>The map values' bytes as four planes of 256 (byte b of every value, b = 0 least significant),
    /// then the 64-byte code order of the AVX-512 decode.</summary>
    public byte[] BytePlanes => planes;

    /// <summary>The CPU backend's lookup table (65,536 slots, padded).</summary>
    public byte[] Lut => lut;

    /// <summary>Per 16-bit bucket of float bits, the number of midpoints below the bucket (padded).</summary>
    public byte[] Buckets => buckets;

    /// <summary>The map for a first (signed) or second (unsigned) moment.</summary>
    public static DynamicMap For(bool signed) => signed ? Signed : Unsigned;

    /// <summary>The code whose value is nearest to <paramref name="x"/>, an exact tie between two codes going to the
    /// even one; NaN gives 0 (what the CUDA kernels' binary search from pivot 127 returns, branch-free here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Nearest(float x)
    {
        ref var mid = ref midpoints[0];
        var c = 0;
        for (var half = 128; half > 0; half >>= 1)
        {
            c += Unsafe.Add(ref mid, c + half - 1) < x ? half : 0;
        }

        // c counts the midpoints below x; x on midpoint c is a tie between codes c and c + 1.
        return Math.Min(c + ((Unsafe.Add(ref mid, c) == x ? 1 : 0) & c), 255);
    }

    /// <summary>The CPU backend's code of <paramref name="y"/> = x/absmax: the table slot of y's 1/32768-wide bin
    /// (<c>norm_to_lut_index</c>, compiled with a fused multiply-add), then the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(float y)
    {
        y = Math.Clamp(y, -1f, 1f);
        var slot = (int)MathF.FusedMultiplyAdd((y + 1f) * 0.5f, LutSize - 1, 0.5f);
        return lut[slot & (LutSize - 1)];
    }

    /// <summary>create_dynamic_map(signed, max_exponent_bits 7, total_bits 8): for exponent i = 0..6, the means of
    /// adjacent points of linspace(0.1, 1, 2^i + 1) (signed) or 2^(i+1) + 1 (unsigned) scaled by 10^(i−6), with their
    /// negatives when signed, plus 0 and 1, sorted.</summary>
    private static float[] Create(bool signed)
    {
        var values = new List<float>(256) { 0f, 1f };
        for (var i = 0; i < 7; i++)
        {
            var points = signed ? (1 << i) + 1 : (1 << (i + 1)) + 1;
            var scale = (float)Math.Pow(10, i - 6);
            var bounds = Linspace(0.1f, 1f, points);
            for (var j = 0; j + 1 < points; j++)
            {
                var v = scale * ((bounds[j] + bounds[j + 1]) / 2f);
                values.Add(v);
                if (signed)
                {
                    values.Add(-v);
                }
            }
        }

        values.Sort();
        return [.. values];
    }

    /// <summary>torch.linspace in float32 as PyTorch ≥ 2.0 computes it on the CPU: from the start for the first
    /// half, from the end for the second, each point one fused multiply-add.</summary>
    private static float[] Linspace(float start, float end, int steps)
    {
        var step = (end - start) / (steps - 1);
        var result = new float[steps];
        for (var j = 0; j < steps; j++)
        {
            result[j] = j < steps / 2
                ? MathF.FusedMultiplyAdd(step, j, start)
                : MathF.FusedMultiplyAdd(-step, steps - 1 - j, end);
        }

        return result;
    }
}
