using System.Buffers.Binary;
using System.Text;
using Descent.Checkpoints;

namespace Descent.Tests.Checkpoints;

/// <summary>Thousands of corrupted and random headers and files (seeded): every one is either read or
/// rejected with a <see cref="CheckpointException"/> naming the input; none throws anything else, and none
/// allocates more than a small multiple of its own size.</summary>
public class SafetensorsFuzzTests
{
    private const int Cases = 6000;

    [Fact]
    public void CorruptedInputsGiveClearErrors()
    {
        var rng = new Rng(20261125);
        var valid = ValidFile();
        var rejected = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (kind, bytes) = Mutate(rng, valid, i % 6);
            var name = $"fuzz#{i}";
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var file = SafetensorsFile.Read(new MemoryStream(bytes), name);
                Assert.True(file.Tensors.Sum(t => (long)t.Length) * 8 <= bytes.Length, $"{name} ({kind}): more elements than bytes");
            }
            catch (CheckpointException e)
            {
                rejected++;
                Assert.StartsWith(name + ":", e.Message, StringComparison.Ordinal);
                Assert.True(e.Message.Length > name.Length + 10, $"{name} ({kind}): message too short: {e.Message}");
                Assert.Equal(name, e.Path);
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} ({kind}) threw {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 200)))}");
            }

            var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(used < (64L * bytes.Length) + (1 << 20), $"{name} ({kind}) allocated {used} bytes for a {bytes.Length}-byte input");
        }

        Assert.True(rejected > Cases / 2, $"only {rejected} of {Cases} inputs were rejected");
    }

    private static byte[] ValidFile()
    {
        var ms = new MemoryStream();
        SafetensorsFile.Write(ms,
        [
            SafetensorsTensor.FromFloats("layer.0.weight", [1, 2, 3, 4, 5, 6], [2, 3]),
            SafetensorsTensor.FromFloats("layer.0.bias", [0.5f, -0.5f], [2], SafetensorsDType.F16),
            SafetensorsTensor.FromFloats("scale", [3f], [], SafetensorsDType.BF16),
            SafetensorsTensor.FromInt64("steps", [12], []),
            SafetensorsTensor.FromFloats("empty", [], [0, 4]),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        return ms.ToArray();
    }

    private static (string Kind, byte[] Bytes) Mutate(Rng rng, byte[] valid, int strategy)
    {
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        switch (strategy)
        {
            case 0:
            {
                var b = (byte[])valid.Clone();
                var flips = 1 + rng.NextInt(8);
                for (var k = 0; k < flips; k++)
                {
                    var at = rng.NextInt(Math.Min(b.Length, 8 + headerLength + 8));
                    b[at] = (byte)rng.NextInt(256);
                }

                return ("byte flips", b);
            }

            case 1:
                return ("truncation", valid[..rng.NextInt(valid.Length)]);
            case 2:
            {
                var b = (byte[])valid.Clone();
                ulong n = rng.NextInt(4) switch
                {
                    0 => rng.NextUInt64(),
                    1 => (ulong)(headerLength + rng.NextInt(64) - 32),
                    2 => 1UL << rng.NextInt(64),
                    _ => (ulong)rng.NextInt(valid.Length * 2),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(b, n);
                return ("header length", b);
            }

            case 3:
            {
                var header = RandomHeader(rng, out var dataBytes);
                return ("random header", SafetensorsTests.Build(header, dataBytes));
            }

            case 4:
            {
                var header = Encoding.UTF8.GetString(valid, 8, headerLength);
                var chars = header.ToCharArray();
                var edits = 1 + rng.NextInt(4);
                for (var k = 0; k < edits; k++)
                {
                    chars[rng.NextInt(chars.Length)] = "{}[]\",:0123456789-eE.x \\"[rng.NextInt(24)];
                }

                return ("header text edits", SafetensorsTests.Build(new string(chars), valid.Length - 8 - headerLength));
            }

            default:
            {
                var b = new byte[rng.NextInt(300)];
                for (var k = 0; k < b.Length; k++)
                {
                    b[k] = (byte)rng.NextInt(256);
                }

                if (b.Length >= 9 && rng.NextInt(2) == 0)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)rng.NextInt(b.Length));
                    b[8] = (byte)'{';
                }

                return ("random bytes", b);
            }
        }
    }

    private static string RandomHeader(Rng rng, out int dataBytes)
    {
        string[] dtypes = ["F32", "F16", "BF16", "I64", "F64", "U8", "", "f32", "BOOL"];
        string[] numbers = ["0", "1", "2", "3", "4", "8", "16", "-1", "2.5", "1e3", "4294967296", "9223372036854775807",
            "99999999999999999999", "\"4\"", "null", "true", "[]", "{}"];
        var sb = new StringBuilder("{");
        var count = rng.NextInt(5);
        long offset = 0;
        for (var k = 0; k < count; k++)
        {
            if (k > 0)
            {
                sb.Append(',');
            }

            var name = rng.NextInt(6) == 0 ? "t0" : $"t{k}";
            if (rng.NextInt(10) == 0)
            {
                sb.Append("\"__metadata__\":{\"a\":").Append(rng.NextInt(2) == 0 ? "\"b\"" : numbers[rng.NextInt(numbers.Length)]).Append('}');
                continue;
            }

            var dtype = dtypes[rng.NextInt(dtypes.Length)];
            var rank = rng.NextInt(4);
            var dims = new string[rank];
            long elems = 1;
            for (var d = 0; d < rank; d++)
            {
                dims[d] = rng.NextInt(4) == 0 ? numbers[rng.NextInt(numbers.Length)] : (1 + rng.NextInt(4)).ToString();
                elems *= long.TryParse(dims[d], out var v) && v is >= 0 and < 1000 ? v : 1;
            }

            var size = dtype switch { "F16" or "BF16" => 2, "I64" or "F64" => 8, _ => 4 } * elems;
            var begin = rng.NextInt(5) == 0 ? numbers[rng.NextInt(numbers.Length)] : (offset + rng.NextInt(3) - 1).ToString();
            var end = rng.NextInt(5) == 0 ? numbers[rng.NextInt(numbers.Length)] : (offset + size + rng.NextInt(3) - 1).ToString();
            offset += size;
            sb.Append('"').Append(name).Append("\":{");
            var parts = new List<string>
            {
                $"\"dtype\":\"{dtype}\"",
                $"\"shape\":[{string.Join(",", dims)}]",
                rng.NextInt(8) == 0 ? $"\"data_offsets\":[{begin}]" : $"\"data_offsets\":[{begin},{end}]",
            };
            if (rng.NextInt(8) == 0)
            {
                parts.RemoveAt(rng.NextInt(parts.Count));
            }

            if (rng.NextInt(10) == 0)
            {
                parts.Add("\"extra\":1");
            }

            sb.AppendJoin(',', parts).Append('}');
        }

        sb.Append('}');
        dataBytes = (int)Math.Clamp(offset + rng.NextInt(3) - 1, 0, 4096);
        if (rng.NextInt(20) == 0)
        {
            sb.Insert(sb.Length - 1, string.Concat(Enumerable.Repeat("[", 50 + rng.NextInt(100))));
        }

        return sb.ToString();
    }
}
