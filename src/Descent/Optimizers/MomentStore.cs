using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// One moment buffer of a parameter at a <see cref="StatePrecision"/>: float32 values, bfloat16 bits, or 8-bit codes
/// with one absmax per block of <see cref="BlockSize"/> elements and the dynamic map (signed for first moments,
/// unsigned for second). <see cref="Decode"/> and <see cref="Encode"/> convert one block to and from float32.
/// </summary>
internal sealed class MomentStore
{
    /// <summary>Elements per quantization block (bitsandbytes' blocksize for the 8-bit optimizers).</summary>
    public const int BlockSize = 256;

    private readonly float[]? values;
    private readonly ushort[]? halves;
    private readonly byte[]? codes;
    private readonly float[]? absmax;
    private readonly DynamicMap? map;

    /// <summary>A zero buffer: zeros, or codes 0 with absmax 0 (as bitsandbytes initializes its 8-bit state).</summary>
    public MomentStore(StatePrecision precision, int[] shape, int length, bool signed)
    {
        Precision = precision;
        switch (precision)
        {
            case StatePrecision.Fp32:
                values = new float[length];
                Tensor = new Tensor(values, 0, shape);
                break;
            case StatePrecision.Bf16:
                halves = new ushort[length];
                Packed = new PackedStateBuffer(halves, shape);
                break;
            default:
                codes = new byte[length];
                absmax = new float[(length + BlockSize - 1) / BlockSize];
                map = DynamicMap.For(signed);
                Packed = new PackedStateBuffer(codes, shape);
                AbsmaxTensor = new Tensor(absmax, 0, [absmax.Length]);
                break;
        }
    }

    /// <summary>The float32 tensors of two moments under bitsandbytes' names: <c>state1</c>/<c>state2</c> when
    /// float32, <c>absmax1</c>/<c>absmax2</c> and (new copies) <c>qmap1</c>/<c>qmap2</c> when 8-bit.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> StateTensors(MomentStore first, MomentStore second)
    {
        foreach (var (suffix, store) in new[] { ("1", first), ("2", second) })
        {
            if (store.Tensor is not null)
            {
                yield return new("state" + suffix, store.Tensor);
            }

            if (store.AbsmaxTensor is not null)
            {
                yield return new("absmax" + suffix, store.AbsmaxTensor);
                yield return new("qmap" + suffix, store.MapCopy());
            }
        }
    }

    /// <summary>The packed buffers (codes or bfloat16) of two moments: <c>state1</c>/<c>state2</c>.</summary>
    public static IEnumerable<KeyValuePair<string, PackedStateBuffer>> StatePackedBuffers(MomentStore first, MomentStore second)
    {
        if (first.Packed is not null)
        {
            yield return new("state1", first.Packed);
        }

        if (second.Packed is not null)
        {
            yield return new("state2", second.Packed);
        }
    }

    /// <summary>The storage precision.</summary>
    public StatePrecision Precision { get; }

    /// <summary>The float32 values (fp32 only; a view, so loading writes through).</summary>
    public Tensor? Tensor { get; }

    /// <summary>The codes or bfloat16 bits (bf16 and 8-bit).</summary>
    public PackedStateBuffer? Packed { get; }

    /// <summary>One absmax per block (8-bit only; a view).</summary>
    public Tensor? AbsmaxTensor { get; }

    /// <summary>A new copy of the dynamic map (8-bit only), saved as bitsandbytes' qmap1/qmap2. The map itself is
    /// shared by every state (as bitsandbytes shares one per optimizer) and never changes: the kernels always use
    /// the canonical map, and a copy written by a checkpoint load is discarded.</summary>
    public Tensor MapCopy() => Tensor.FromArray(map!.Values, [map.Values.Length]);

    /// <summary>Bytes held by this parameter's buffer: 4, 2, or 1 per element, plus 4 per block for 8-bit (the
    /// shared 1 KiB map is not counted).</summary>
    public long Bytes => Precision switch
    {
        StatePrecision.Fp32 => 4L * values!.Length,
        StatePrecision.Bf16 => Packed!.Bytes,
        _ => Packed!.Bytes + (4L * absmax!.Length),
    };

    /// <summary>The absmax of block <paramref name="block"/> before this step's update (0 when not 8-bit).</summary>
    public float BlockAbsmax(int block) => absmax is null ? 0f : absmax[block];

    /// <summary>The map value of <paramref name="code"/> (8-bit only).</summary>
    public float MapValue(int code) => map!.Values[code];

    /// <summary>Writes the float32 values of elements [start, start + destination.Length) — whole blocks from
    /// <paramref name="block"/> (the last one possibly partial) — to <paramref name="destination"/>:
    /// map[code]·absmax for 8-bit (one float32 multiply), the exact bfloat16 value, or a copy; with
    /// <paramref name="simd"/> whole vectors by <see cref="PackedVectors"/> (same values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(int block, int start, Span<float> destination, bool simd)
    {
        var n = destination.Length;
        switch (Precision)
        {
            case StatePrecision.Fp32:
                values.AsSpan(start, n).CopyTo(destination);
                break;
            case StatePrecision.Bf16:
                var h = halves.AsSpan(start, n);
                for (var i = simd ? PackedVectors.DecodeHalves(h, destination) : 0; i < n; i++)
                {
                    destination[i] = BFloat16.ToSingle(h[i]);
                }

                break;
            default:
                for (var lo = 0; lo < n; lo += BlockSize, block++)
                {
                    var d = destination[lo..Math.Min(n, lo + BlockSize)];
                    var scale = absmax![block];
                    var q = map!.Values;
                    var c = codes.AsSpan(start + lo, d.Length);
                    for (var i = simd ? PackedVectors.DecodeCodes(c, map, scale, d) : 0; i < d.Length; i++)
                    {
                        d[i] = q[c[i]] * scale;
                    }
                }

                break;
        }
    }

    /// <summary>Stores the updated float32 values of whole blocks from <paramref name="block"/> (elements from
    /// <paramref name="start"/>, the last block possibly partial): a copy; bfloat16 rounded to nearest even, or
    /// stochastically when <paramref name="randomKey"/> is not 0; or 8-bit: each block's new absmax (the last one at
    /// least <paramref name="lastAbsmaxFloor"/>, which carries the CUDA kernel's padding lanes) and each value's
    /// code under <paramref name="convention"/>. With <paramref name="simd"/> whole vectors go through
    /// <see cref="PackedVectors"/> (same results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(int block, int start, ReadOnlySpan<float> source, BnbConvention convention, ulong randomKey, float lastAbsmaxFloor, bool simd)
    {
        switch (Precision)
        {
            case StatePrecision.Fp32:
                source.CopyTo(values.AsSpan(start, source.Length));
                break;
            case StatePrecision.Bf16:
                var h = halves.AsSpan(start, source.Length);
                if (randomKey != 0)
                {
                    for (var i = 0; i < source.Length; i++)
                    {
                        h[i] = BFloat16.RoundStochastic(source[i], BFloat16.RandomBits(randomKey, start + i));
                    }

                    break;
                }

                for (var i = simd ? PackedVectors.EncodeHalves(source, h) : 0; i < source.Length; i++)
                {
                    h[i] = BFloat16.RoundNearestEven(source[i]);
                }

                break;
            default:
                for (var lo = 0; lo < source.Length; lo += BlockSize, block++)
                {
                    var hi = Math.Min(source.Length, lo + BlockSize);
                    EncodeCodes(block, start + lo, source[lo..hi], convention, hi == source.Length ? lastAbsmaxFloor : 0f, simd);
                }

                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeCodes(int block, int start, ReadOnlySpan<float> source, BnbConvention convention, float absmaxFloor, bool simd)
    {
        // NaN never wins (fmaxf in CUDA, std::max with the running maximum first on the CPU).
        var (top, done) = simd ? PackedVectors.Absmax(source, absmaxFloor) : (absmaxFloor, 0);
        foreach (var x in source[done..])
        {
            var a = MathF.Abs(x);
            top = a > top ? a : top;
        }

        absmax![block] = top;
        var c = codes.AsSpan(start, source.Length);
        var m = map!;
        if (convention == BnbConvention.Cpu)
        {
            if (top == 0f)
            {
                c.Clear();
                return;
            }

            var inv = 1f / top;
            for (var i = simd ? PackedVectors.LookupCodes(source, inv, m, c) : 0; i < source.Length; i++)
            {
                c[i] = (byte)m.Lookup(source[i] * inv);
            }

            return;
        }

        var signed = ReferenceEquals(m, DynamicMap.Signed);
        var q = m.Values;
        for (var i = simd ? PackedVectors.NearestCodes(source, top, m, signed, c) : 0; i < source.Length; i++)
        {
            var x = source[i];
            var code = m.Nearest(x / top);

            // Keep the sign of the first moment (kOptimizerStatic8bit2StateBlockwise); unsigned char arithmetic.
            if (signed && float.IsNegative(q[code]) != float.IsNegative(x))
            {
                code = (code + (x > 0f ? 1 : -1)) & 0xFF;
            }

            c[i] = (byte)code;
        }
    }
}
