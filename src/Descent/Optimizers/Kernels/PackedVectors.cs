using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// AVX2 forms of the low-precision state codecs (8 lanes; <see cref="DynamicMap"/> and <see cref="BFloat16"/> are
/// the scalar references they equal bit for bit): decode 8-bit codes (gather from the map, times absmax) and
/// bfloat16, the NaN-ignoring absmax, encode bfloat16 (nearest even), and the two code searches — the CUDA
/// nearest-with-ties-to-even through the map's 16-bit bucket table, and the CPU backend's lookup table. Each
/// method handles whole vectors and returns how many elements it did; the caller finishes the tail in scalar.
/// </summary>
internal static unsafe class PackedVectors
{
    /// <summary>Whether this machine runs these forms (AVX2 with FMA).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether the AVX-512 forms run (F, BW and VBMI: byte permutes over 128-entry tables).</summary>
    public static bool Has512 => Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>destination[i] = map[codes[i]]·scale (AVX-512: the map's four byte planes looked up by
    /// <c>vpermi2b</c>, 64 codes at a time, no gather).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DecodeCodes(ReadOnlySpan<byte> codes, DynamicMap map, float scale, Span<float> destination)
    {
        var n = destination.Length & ~7;
        var s = Vector256.Create(scale);
        var start = 0;
        fixed (byte* c = codes)
        fixed (float* q = map.Values)
        fixed (byte* planes = map.BytePlanes)
        fixed (float* d = destination)
        {
            if (Has512)
            {
                start = destination.Length & ~63;
                DecodeCodes512(c, planes, scale, d, start);
            }

            for (var i = start; i < n; i += 8)
            {
                var v = Avx2.GatherVector256(q, Avx2.ConvertToVector256Int32(c + i), 4);
                Avx.Store(d + i, Avx.Multiply(v, s));
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeCodes512(byte* c, byte* planes, float scale, float* d, int n)
    {
        // After the two unpack stages, result r holds, in 128-bit lane l, dword j, the input byte l·16 + r·4 + j;
        // permuting the codes first by that (self-inverse) order puts element r·16 + l·4 + j there.
        var order = Vector512.Load(planes + (4 * 256));
        var s = Vector512.Create(scale);
        for (var i = 0; i < n; i += 64)
        {
            var x = Avx512Vbmi.PermuteVar64x8(Vector512.Load(c + i), order);
            var high = Vector512.LessThan(x.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            var b0 = Plane(planes, x, high);
            var b1 = Plane(planes + 256, x, high);
            var b2 = Plane(planes + 512, x, high);
            var b3 = Plane(planes + 768, x, high);
            var w01Low = Avx512BW.UnpackLow(b0, b1).AsUInt16();
            var w01High = Avx512BW.UnpackHigh(b0, b1).AsUInt16();
            var w23Low = Avx512BW.UnpackLow(b2, b3).AsUInt16();
            var w23High = Avx512BW.UnpackHigh(b2, b3).AsUInt16();
            Vector512.Store(Avx512BW.UnpackLow(w01Low, w23Low).AsSingle() * s, d + i);
            Vector512.Store(Avx512BW.UnpackHigh(w01Low, w23Low).AsSingle() * s, d + i + 16);
            Vector512.Store(Avx512BW.UnpackLow(w01High, w23High).AsSingle() * s, d + i + 32);
            Vector512.Store(Avx512BW.UnpackHigh(w01High, w23High).AsSingle() * s, d + i + 48);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Plane(byte* plane, Vector512<byte> codes, Vector512<byte> high) =>
        Vector512.ConditionalSelect(
            high,
            Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(plane + 128), codes, Vector512.Load(plane + 192)),
            Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(plane), codes, Vector512.Load(plane + 64)));

    /// <summary>destination[i] = the float32 value of bfloat16 bits halves[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int DecodeHalves(ReadOnlySpan<ushort> halves, Span<float> destination)
    {
        var n = destination.Length & ~7;
        var start = 0;
        fixed (ushort* h = halves)
        fixed (float* d = destination)
        {
            if (Avx512F.IsSupported)
            {
                start = destination.Length & ~15;
                for (var i = 0; i < start; i += 16)
                {
                    Vector512.Store(Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(Vector256.Load(h + i)), 16).AsSingle(), d + i);
                }
            }

            for (var i = start; i < n; i += 8)
            {
                Avx.Store(d + i, Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(h + i), 16).AsSingle());
            }
        }

        return n;
    }

    /// <summary>halves[i] = source[i] rounded to the nearest bfloat16, ties to even (NaN: quiet NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EncodeHalves(ReadOnlySpan<float> source, Span<ushort> halves)
    {
        var n = source.Length & ~15;
        var bias = Vector256.Create(0x7FFFu);
        var one = Vector256.Create(1u);
        var quiet = Vector256.Create(0x40u);
        var start = 0;
        fixed (float* x = source)
        fixed (ushort* h = halves)
        {
            if (Avx512F.IsSupported)
            {
                start = n;
                for (var i = 0; i < n; i += 16)
                {
                    var v = Vector512.Load(x + i);
                    var u = v.AsUInt32();
                    var rounded = Vector512.ShiftRightLogical(u + Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(u, 16) & Vector512<uint>.One), 16);
                    var bits = Vector512.ConditionalSelect(Vector512.Equals(v, v).AsUInt32(), rounded, Vector512.ShiftRightLogical(u, 16) | Vector512.Create(0x40u));
                    Avx512F.ConvertToVector256UInt16(bits).Store(h + i);
                }
            }

            for (var i = start; i < n; i += 16)
            {
                Vector256.Narrow(Round(Avx.LoadVector256(x + i), bias, one, quiet), Round(Avx.LoadVector256(x + i + 8), bias, one, quiet)).Store(h + i);
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<float> v, Vector256<uint> bias, Vector256<uint> one, Vector256<uint> quiet)
    {
        var u = v.AsUInt32();
        var rounded = Vector256.ShiftRightLogical(u + bias + (Vector256.ShiftRightLogical(u, 16) & one), 16);
        var number = Vector256.Equals(v, v).AsUInt32();
        return Vector256.ConditionalSelect(number, rounded, Vector256.ShiftRightLogical(u, 16) | quiet);
    }

    /// <summary>max(floor, max |source[i]|) over whole vectors, NaN never winning (as <c>a &gt; top ? a : top</c>);
    /// the caller folds in the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Top, int Done) Absmax(ReadOnlySpan<float> source, float floor)
    {
        var n = source.Length & ~7;
        var top = Vector256.Create(floor);
        var sign = Vector256.Create(0x7FFFFFFF).AsSingle();
        var start = 0;
        fixed (float* x = source)
        {
            if (Avx512F.IsSupported)
            {
                start = source.Length & ~15;
                var wide = Vector512.Create(floor);
                var sign512 = Vector512.Create(0x7FFFFFFF).AsSingle();
                for (var i = 0; i < start; i += 16)
                {
                    wide = Avx512F.Max(Vector512.Load(x + i) & sign512, wide);
                }

                top = Avx.Max(wide.GetLower(), Avx.Max(wide.GetUpper(), top));
            }

            for (var i = start; i < n; i += 8)
            {
                // maxps returns its second operand unless the first is greater: a NaN lane keeps top.
                top = Avx.Max(Avx.And(Avx.LoadVector256(x + i), sign), top);
            }
        }

        var result = floor;
        for (var k = 0; k < 8; k++)
        {
            var a = top.GetElement(k);
            result = a > result ? a : result;
        }

        return (result, n);
    }

    /// <summary>CUDA codes: the nearest map value to source[i]/top, exact ties to the even code, NaN to 0; with
    /// <paramref name="keepSign"/> (signed map) the first moment's sign fix (code ± 1 when the code's value has the
    /// other sign bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NearestCodes(ReadOnlySpan<float> source, float top, DynamicMap map, bool keepSign, Span<byte> codes)
    {
        var n = source.Length & ~31;
        var divisor = Vector256.Create(top);
        fixed (float* x = source)
        fixed (byte* buckets = map.Buckets)
        fixed (float* mids = map.Midpoints)
        fixed (byte* c = codes)
        {
            for (var i = 0; i < n; i += 32)
            {
                var a = Vector256.Narrow(Nearest(x + i, divisor, buckets, mids, keepSign), Nearest(x + i + 8, divisor, buckets, mids, keepSign));
                var b = Vector256.Narrow(Nearest(x + i + 16, divisor, buckets, mids, keepSign), Nearest(x + i + 24, divisor, buckets, mids, keepSign));
                Vector256.Narrow(a.AsUInt16(), b.AsUInt16()).Store(c + i);
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Nearest(float* at, Vector256<float> divisor, byte* buckets, float* mids, bool keepSign)
    {
        var lowByte = Vector256.Create(0xFF);
        var m = Avx.LoadVector256(at);
        var y = Avx.Divide(m, divisor);

        // At most one midpoint lies in a 16-bit bucket: c0 counts those below it, one compare finishes the count.
        // A tie (y on a midpoint) can only be with mid[c0]: when mid[c0] < y, mid[c0 + 1] lies in a later bucket.
        var c0 = Avx2.And(Avx2.GatherVector256((int*)buckets, Avx2.ShiftRightLogical(y.AsInt32(), 16), 1), lowByte);
        var mid = Avx2.GatherVector256(mids, c0, 4);
        var below = Avx.CompareLessThan(mid, y).AsInt32();
        var tie = Avx.CompareEqual(mid, y).AsInt32();
        var code = Avx2.Subtract(c0, below);
        code = Avx2.Min(Avx2.Add(code, Avx2.And(Avx2.And(tie, code), Vector256<int>.One)), Vector256.Create(255));
        if (!keepSign)
        {
            return code;
        }

        // signbit(map[code]) is code < ZeroCode; where it differs from signbit(m), step towards m's sign.
        var negativeCode = Avx2.CompareGreaterThan(Vector256.Create(DynamicMap.ZeroCode), code);
        var differs = Avx2.Xor(negativeCode, Avx2.ShiftRightArithmetic(m.AsInt32(), 31));
        var up = Avx.CompareGreaterThan(m, Vector256<float>.Zero).AsInt32();
        var step = Avx2.Or(Avx2.And(up, Vector256<int>.One), Avx2.AndNot(up, Vector256.Create(-1)));
        return Avx2.And(Avx2.Add(code, Avx2.And(differs, step)), lowByte);
    }

    /// <summary>CPU codes: the lookup table's entry for source[i]·inv (clamped to [−1, 1]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int LookupCodes(ReadOnlySpan<float> source, float inv, DynamicMap map, Span<byte> codes)
    {
        var n = source.Length & ~31;
        var scale = Vector256.Create(inv);
        fixed (float* x = source)
        fixed (byte* lut = map.Lut)
        fixed (byte* c = codes)
        {
            for (var i = 0; i < n; i += 32)
            {
                var a = Vector256.Narrow(Lookup(x + i, scale, lut), Lookup(x + i + 8, scale, lut));
                var b = Vector256.Narrow(Lookup(x + i + 16, scale, lut), Lookup(x + i + 24, scale, lut));
                Vector256.Narrow(a.AsUInt16(), b.AsUInt16()).Store(c + i);
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Lookup(float* at, Vector256<float> scale, byte* lut)
    {
        // maxps(NaN, −1) gives −1, slot 0 — the scalar clamp keeps NaN, whose slot is also 0.
        var plusOne = Vector256.Create(1f);
        var half = Vector256.Create(0.5f);
        var y = Avx.Min(Avx.Max(Avx.Multiply(Avx.LoadVector256(at), scale), Vector256.Create(-1f)), plusOne);
        var slot = Avx.ConvertToVector256Int32WithTruncation(Fma.MultiplyAdd(Avx.Multiply(Avx.Add(y, plusOne), half), Vector256.Create(65535f), half));
        return Avx2.And(Avx2.GatherVector256((int*)lut, slot, 1), Vector256.Create(0xFF));
    }

}
