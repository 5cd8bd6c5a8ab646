using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Descent.Checkpoints;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Checkpoints;

public class SafetensorsTests
{
    [Fact]
    [Trait("Category", "Parity")]
    public void ReadsThePyTorchCnnStateDict()
    {
        var file = SafetensorsFile.Read(Golden.File("cnn.safetensors"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File("cnn.json")));
        var keys = doc.RootElement.GetProperty("state_dict_keys");
        Assert.Equal(keys.EnumerateObject().Count(), file.Tensors.Count);
        foreach (var k in keys.EnumerateObject())
        {
            Assert.Equal(k.Value.EnumerateArray().Select(e => e.GetInt32()), file[k.Name].Shape);
        }

        // Expected values come from the golden file itself, decoded independently of SafetensorsFile (8-byte
        // little-endian header length, JSON header, little-endian elements at data_offsets), so the test holds for
        // any recording in this format. (It used to restate 0.bias's first values and num_batches_tracked = 3.)
        var raw = IndependentlyDecoded(File.ReadAllBytes(Golden.File("cnn.safetensors")));
        Assert.Equal(raw.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var (name, (dtype, shape, floats, longs)) in raw)
        {
            var t = file[name];
            Assert.Equal(dtype, t.DType.ToString());
            Assert.Equal(shape, t.Shape);
            if (floats is not null)
            {
                Assert.Equal(floats, t.FloatValues.ToArray()); // bit for bit (float equality, NaN = NaN)
            }
            else
            {
                Assert.Equal(longs, t.Int64Values.ToArray());
                Assert.Equal(longs!.Select(v => (float)v), t.ToTensor().ToArray());
            }
        }

        var tracked = file["1.num_batches_tracked"];
        Assert.Equal(SafetensorsDType.I64, tracked.DType);
        Assert.Empty(tracked.Shape);
        Assert.Equal(SafetensorsDType.F32, file["0.bias"].DType);
        Assert.Empty(file.Metadata);
    }

    /// <summary>A minimal safetensors decoder for F32 and I64, written from the format's description alone.</summary>
    private static Dictionary<string, (string DType, int[] Shape, float[]? Floats, long[]? Longs)> IndependentlyDecoded(byte[] bytes)
    {
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var result = new Dictionary<string, (string, int[], float[]?, long[]?)>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
        {
            var dtype = entry.Value.GetProperty("dtype").GetString()!;
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets");
            var body = bytes[(8 + headerLength + (int)offsets[0].GetInt64())..(8 + headerLength + (int)offsets[1].GetInt64())];
            result[entry.Name] = dtype switch
            {
                "F32" => (dtype, shape, Enumerable.Range(0, body.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(4 * i))).ToArray(), null),
                "I64" => (dtype, shape, null, Enumerable.Range(0, body.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(8 * i))).ToArray()),
                _ => throw new InvalidDataException($"cnn.safetensors: unexpected dtype {dtype} for {entry.Name}"),
            };
        }

        return result;
    }

    [Fact]
    public void RoundTripsEveryDtypeScalarsEmptyTensorsAndMetadata()
    {
        var rng = new Rng(7);
        var f32 = new float[37];
        for (var i = 0; i < f32.Length; i++)
        {
            f32[i] = (float)(rng.NextNormal() * Math.Pow(10, rng.NextInt(20) - 10));
        }

        f32[0] = float.NaN;
        f32[1] = float.PositiveInfinity;
        f32[2] = float.NegativeInfinity;
        f32[3] = -0f;
        f32[4] = float.Epsilon;
        f32[5] = float.MaxValue;
        var tensors = new[]
        {
            SafetensorsTensor.FromFloats("a.f32", f32, [37]),
            SafetensorsTensor.FromFloats("b.f16", f32, [37], SafetensorsDType.F16),
            SafetensorsTensor.FromFloats("c.bf16", f32, [1, 37], SafetensorsDType.BF16),
            SafetensorsTensor.FromInt64("d.i64", [long.MinValue, -1, 0, 1, long.MaxValue, 3], [2, 3]),
            SafetensorsTensor.FromInt64("e.scalar", [42], []),
            SafetensorsTensor.FromFloats("f.scalar", [2.5f], []),
            SafetensorsTensor.FromFloats("g.empty", [], [0, 3]),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "π ≈ 3.14159, \"quoted\"" };
        var path = Path.Combine(Path.GetTempPath(), $"descent-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsFile.Write(path, tensors, metadata);
            var bytes = File.ReadAllBytes(path);
            var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, (8 + n) % 8);
            Assert.Equal((byte)'{', bytes[8]);

            var back = SafetensorsFile.Read(path);
            Assert.Equal(metadata, back.Metadata);
            Assert.Equal(tensors.Select(t => t.Name), back.Tensors.Select(t => t.Name));
            foreach (var t in tensors)
            {
                Assert.Equal(t.DType, back[t.Name].DType);
                Assert.Equal(t.Shape, back[t.Name].Shape);
            }

            Assert.Equal(Bits(f32), Bits(back["a.f32"].FloatValues));
            Assert.Equal(Bits(f32.Select(x => (float)(Half)x)), Bits(back["b.f16"].FloatValues));
            Assert.Equal(Bits(f32.Select(BFloat16)), Bits(back["c.bf16"].FloatValues));
            Assert.Equal([long.MinValue, -1, 0, 1, long.MaxValue, 3], back["d.i64"].Int64Values.ToArray());
            Assert.Equal([42L], back["e.scalar"].Int64Values.ToArray());
            Assert.Equal(2.5f, back["f.scalar"].ToTensor().Item());
            Assert.Equal(0, back["g.empty"].Length);

            // Values already of the stored type round-trip exactly through a second write.
            var path2 = path + ".2";
            SafetensorsFile.Write(path2, back.Tensors, back.Metadata);
            Assert.Equal(bytes, File.ReadAllBytes(path2));
            File.Delete(path2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BFloat16RoundsToNearestEven()
    {
        Assert.Equal(0x3F80, SafetensorsFile.ToBFloat16(1f + MathF.Pow(2, -8))); // tie: stays even
        Assert.Equal(0x3F82, SafetensorsFile.ToBFloat16(1f + (3 * MathF.Pow(2, -8)))); // tie: rounds up to even
        Assert.Equal(0x3F81, SafetensorsFile.ToBFloat16(1f + MathF.Pow(2, -8) + MathF.Pow(2, -20))); // above tie
        Assert.Equal(0x7FC0, SafetensorsFile.ToBFloat16(float.NaN));
        Assert.Equal(0x7F80, SafetensorsFile.ToBFloat16(float.PositiveInfinity));
        Assert.Equal(0x8000, SafetensorsFile.ToBFloat16(-0f));
    }

    public static TheoryData<string, string, string> Malformed() => new()
    {
        // case, header JSON (data = 16 zero bytes unless noted), expected message part
        { "bad json", "{\"a\": {\"dtype\": \"F32\"", "not valid JSON" },
        { "not object", "[1, 2]", "must start with '{'" },
        { "unknown dtype", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", "dtype 'F64' is not supported" },
        { "size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", "span 16 bytes, but F32 [3] needs 12" },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}}", "overlaps 'a'" },
        { "gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "leaving a gap" },
        { "short cover", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "cover 8 bytes of data, but the file holds 16" },
        { "past end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", "reach past the 16 bytes" },
        { "duplicate", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", "appears more than once" },
        { "negative dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "shape[0] must be a non-negative integer, got -4" },
        { "huge dims", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2000000000,2000000000],\"data_offsets\":[0,16]}}", "more than" },
        { "offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]}}", "data_offsets must be an array [begin, end]" },
        { "missing key", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", "lacks data_offsets" },
        { "metadata", "{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "the value of 'k' must be a string" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RejectsMalformedHeaders(string @case, string header, string expected)
    {
        var ex = Assert.Throws<CheckpointException>(() => SafetensorsFile.Read(new MemoryStream(Build(header, 16)), @case));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(@case + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsBadLengthsAndTruncation()
    {
        Assert.Contains("fewer than the 8-byte", Assert.Throws<CheckpointException>(() => Read([1, 2, 3])).Message, StringComparison.Ordinal);
        var ok = Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        var huge = (byte[])ok.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("exceeds the", Assert.Throws<CheckpointException>(() => Read(huge)).Message, StringComparison.Ordinal);
        var zero = (byte[])ok.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(zero, 0);
        Assert.Contains("header length is 0", Assert.Throws<CheckpointException>(() => Read(zero)).Message, StringComparison.Ordinal);
        Assert.Contains("data_offsets [0, 16] reach past the 12 bytes of data", Assert.Throws<CheckpointException>(() => Read(ok[..^4])).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<CheckpointException>(() => SafetensorsFile.Read("/nonexistent/x.safetensors"));
        Assert.Contains("/nonexistent/x.safetensors: cannot open", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicWriteReplacesOrKeepsTheOldFile()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"descent-atomic-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "model.safetensors");
            SafetensorsFile.Write(path, [SafetensorsTensor.FromFloats("w", [1f, 2f], [2])]);
            var before = File.ReadAllBytes(path);
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.Write(new byte[100]);
                throw new InvalidOperationException("crash during the write");
            }));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(["model.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName));
            SafetensorsFile.Write(path, [SafetensorsTensor.FromFloats("w", [3f], [1])]);
            Assert.Equal([3f], SafetensorsFile.Read(path)["w"].FloatValues.ToArray());
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    internal static byte[] Build(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private static SafetensorsFile Read(byte[] bytes) => SafetensorsFile.Read(new MemoryStream(bytes), "mem");

    private static uint[] Bits(IEnumerable<float> v) => [.. v.Select(BitConverter.SingleToUInt32Bits)];

    private static uint[] Bits(ReadOnlySpan<float> v) => Bits((IEnumerable<float>)v.ToArray());

    private static float BFloat16(float x) => BitConverter.UInt32BitsToSingle((uint)SafetensorsFile.ToBFloat16(x) << 16);
}
