using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Descent.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header mapping
/// each tensor name to <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> plus an optional
/// <c>__metadata__</c> string map, then the raw little-endian data) — the format of Hugging Face and of
/// PyTorch state_dicts saved with the safetensors library. Supported types: F32, F16, BF16, U8, I64;
/// 0-dimensional and empty tensors are allowed.
/// </summary>
/// <remarks>
/// <para>Reading validates the whole header before allocating anything for the data: the header length is
/// positive, at most 100 MB and fits the file; the JSON is well formed; every entry has a known dtype, a
/// shape of non-negative dimensions, and offsets inside the data whose byte size equals dtype size × element
/// count; the tensors are contiguous and non-overlapping and cover the data exactly; no name repeats. Any
/// violation throws <see cref="CheckpointException"/> naming the file, the tensor and what was expected.</para>
/// <para>Writing is atomic (<see cref="AtomicFile"/>); the header is padded with spaces to a multiple of 8
/// bytes like the reference implementation.</para>
/// </remarks>
public sealed class SafetensorsFile
{
    /// <summary>The largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private readonly Dictionary<string, SafetensorsTensor> byName;

    private SafetensorsFile(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; }

    /// <summary>The tensors, in the order of their data in the file.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointException">There is no such tensor.</exception>
    public SafetensorsTensor this[string name] => byName.TryGetValue(name, out var t)
        ? t
        : throw new CheckpointException($"{Path}: no tensor named '{name}'", Path, name);

    /// <summary>Whether the file has a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="CheckpointException">The file is not a valid safetensors file (the message says why).</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot open: {e.Message}", path, null, e);
        }

        using (stream)
        {
            return Read(stream, path);
        }
    }

    /// <summary>Reads and validates safetensors content from a seekable stream (from its current position
    /// to its end); <paramref name="displayName"/> names it in errors.</summary>
    /// <exception cref="CheckpointException">The content is not valid safetensors.</exception>
    public static SafetensorsFile Read(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("the stream must be readable and seekable", nameof(stream));
        }

        var (entries, metadata) = ReadHeader(stream, displayName);
        var tensors = new List<SafetensorsTensor>(entries.Count);
        var dataStart = stream.Position;
        foreach (var e in entries)
        {
            stream.Position = dataStart + e.Begin;
            tensors.Add(ReadData(stream, e, displayName));
        }

        return new SafetensorsFile(displayName, tensors, metadata);
    }

    /// <summary>Writes tensors (and optional string metadata) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var header = BuildHeader(list, metadata);
        AtomicFile.Write(path, s => WriteContent(s, header, list));
    }

    /// <summary>Writes tensors (and optional string metadata) to a stream.</summary>
    public static void Write(Stream stream, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        WriteContent(stream, BuildHeader(list, metadata), list);
    }

    /// <summary>Writes float tensors by name (e.g. a state_dict) as F32, atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select(kv => SafetensorsTensor.FromTensor(kv.Key, kv.Value)), metadata);
    }

    internal static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.U8 => 1,
        _ => 8,
    };

    /// <summary>Rounds a float to bfloat16 bits, nearest even (PyTorch's conversion; NaN becomes 0x7FC0).</summary>
    internal static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        var bias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + bias) >> 16);
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ReadHeader(Stream stream, string file)
    {
        var total = stream.Length - stream.Position;
        if (total < 8)
        {
            throw Fail(file, null, $"the file has {total} bytes, fewer than the 8-byte header length");
        }

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, file, null);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0)
        {
            throw Fail(file, null, "the header length is 0; expected a JSON header of at least 2 bytes");
        }

        if (headerLength > (ulong)(total - 8))
        {
            throw Fail(file, null, $"the header length {headerLength} exceeds the {total - 8} bytes that follow it");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw Fail(file, null, $"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        }

        var header = new byte[(int)headerLength];
        ReadExactly(stream, header, file, null);
        var dataLength = total - 8 - (long)headerLength;
        return ParseHeader(header, dataLength, file);
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength, string file)
    {
        if (header[0] != (byte)'{')
        {
            throw Fail(file, null, $"the header must start with '{{', got byte 0x{header[0]:X2}");
        }

        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Fail(file, null, "the header is not valid UTF-8 text");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{file}: the header is not valid JSON: {e.Message}", file, null, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(file, null, $"the header must be a JSON object, got {root.ValueKind}");
            }

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                var name = prop.Name;
                if (!seen.Add(name))
                {
                    throw Fail(file, name, "the name appears more than once in the header");
                }

                if (name == MetadataKey)
                {
                    ParseMetadata(prop.Value, metadata, file);
                    continue;
                }

                if (name.Length == 0)
                {
                    throw Fail(file, name, "a tensor name is empty");
                }

                entries.Add(ParseEntry(name, prop.Value, dataLength, file));
            }

            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            string? previous = null;
            foreach (var e in entries)
            {
                if (e.Begin != expected)
                {
                    throw Fail(file, e.Name, e.Begin > expected
                        ? $"its data starts at byte {e.Begin}, leaving a gap after {(previous is null ? "the start of the data" : $"'{previous}', which ends at {expected}")}; tensors must be contiguous"
                        : $"its data [{e.Begin}, {e.End}) overlaps '{previous}', which ends at {expected}");
                }

                expected = e.End;
                previous = e.Name;
            }

            if (expected != dataLength)
            {
                throw Fail(file, previous, $"the tensors cover {expected} bytes of data, but the file holds {dataLength} bytes after the header");
            }

            return (entries, metadata);
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(file, MetadataKey, $"must be an object of strings, got {value.ValueKind}");
        }

        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(file, MetadataKey, $"the value of '{m.Name}' must be a string, got {m.Value.ValueKind}");
            }

            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
            {
                throw Fail(file, MetadataKey, $"the key '{m.Name}' appears more than once");
            }
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, long dataLength, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(file, name, $"the entry must be an object with dtype, shape and data_offsets, got {value.ValueKind}");
        }

        JsonElement? dtypeEl = null, shapeEl = null, offsetsEl = null;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtypeEl is null:
                    dtypeEl = p.Value;
                    break;
                case "shape" when shapeEl is null:
                    shapeEl = p.Value;
                    break;
                case "data_offsets" when offsetsEl is null:
                    offsetsEl = p.Value;
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail(file, name, $"the key '{p.Name}' appears more than once");
                default:
                    throw Fail(file, name, $"unexpected key '{p.Name}'; expected dtype, shape and data_offsets");
            }
        }

        if (dtypeEl is not { } d || shapeEl is not { } s || offsetsEl is not { } o)
        {
            throw Fail(file, name, $"the entry lacks {(dtypeEl is null ? "dtype" : shapeEl is null ? "shape" : "data_offsets")}");
        }

        if (d.ValueKind != JsonValueKind.String)
        {
            throw Fail(file, name, $"dtype must be a string, got {d.ValueKind}");
        }

        var dtypeName = d.GetString();
        SafetensorsDType dtype = dtypeName switch
        {
            "F32" => SafetensorsDType.F32,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "I64" => SafetensorsDType.I64,
            "U8" => SafetensorsDType.U8,
            _ => throw Fail(file, name, $"dtype '{Truncate(dtypeName)}' is not supported; expected F32, F16, BF16, U8 or I64"),
        };

        if (s.ValueKind != JsonValueKind.Array)
        {
            throw Fail(file, name, $"shape must be an array of non-negative integers, got {s.ValueKind}");
        }

        var rank = s.GetArrayLength();
        if (rank > 64)
        {
            throw Fail(file, name, $"shape has {rank} dimensions; at most 64 are supported");
        }

        var shape = new int[rank];
        long count = 1;
        var i = 0;
        foreach (var dim in s.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var v) || v < 0)
            {
                throw Fail(file, name, $"shape[{i}] must be a non-negative integer, got {Truncate(dim.GetRawText())}");
            }

            if (v > int.MaxValue)
            {
                throw Fail(file, name, $"shape[{i}] = {v} exceeds {int.MaxValue}");
            }

            shape[i++] = (int)v;
            count = count == 0 || v == 0 ? 0 : count > Array.MaxLength / v ? long.MaxValue : count * v;
        }

        if (count > Array.MaxLength)
        {
            throw Fail(file, name, $"shape {ShapeUtil.Format(shape)} has more than {Array.MaxLength} elements");
        }

        if (o.ValueKind != JsonValueKind.Array || o.GetArrayLength() != 2)
        {
            throw Fail(file, name, $"data_offsets must be an array [begin, end], got {Truncate(o.GetRawText())}");
        }

        var begin = Offset(o[0], "begin", name, file);
        var end = Offset(o[1], "end", name, file);
        if (begin > end)
        {
            throw Fail(file, name, $"data_offsets [{begin}, {end}] end before they begin");
        }

        if (end > dataLength)
        {
            throw Fail(file, name, $"data_offsets [{begin}, {end}] reach past the {dataLength} bytes of data");
        }

        var bytes = count * ElementSize(dtype);
        if (end - begin != bytes)
        {
            throw Fail(file, name,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes, but {dtypeName} {ShapeUtil.Format(shape)} needs {bytes}");
        }

        return new Entry(name, dtype, shape, (int)count, begin, end);
    }

    private static long Offset(JsonElement e, string which, string name, string file)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v) || v < 0)
        {
            throw Fail(file, name, $"data_offsets {which} must be a non-negative integer, got {Truncate(e.GetRawText())}");
        }

        return v;
    }

    private static SafetensorsTensor ReadData(Stream stream, Entry e, string file)
    {
        switch (e.DType)
        {
            case SafetensorsDType.F32:
            {
                var values = new float[e.Count];
                ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan()), file, e.Name);
                if (!BitConverter.IsLittleEndian)
                {
                    var u = MemoryMarshal.Cast<float, uint>(values.AsSpan());
                    BinaryPrimitives.ReverseEndianness(u, u);
                }

                return SafetensorsTensor.Wrap(e.Name, e.DType, e.Shape, values, null);
            }

            case SafetensorsDType.U8:
            {
                var bytes = new byte[e.Count];
                ReadExactly(stream, bytes, file, e.Name);
                var values = new float[e.Count];
                for (var i = 0; i < bytes.Length; i++)
                {
                    values[i] = bytes[i];
                }

                return SafetensorsTensor.Wrap(e.Name, e.DType, e.Shape, values, null);
            }

            case SafetensorsDType.I64:
            {
                var values = new long[e.Count];
                ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan()), file, e.Name);
                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(values, values);
                }

                return SafetensorsTensor.Wrap(e.Name, e.DType, e.Shape, null, values);
            }

            default:
            {
                var values = new float[e.Count];
                var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
                try
                {
                    var done = 0;
                    while (done < e.Count)
                    {
                        var n = Math.Min(e.Count - done, buffer.Length / 2);
                        var chunk = buffer.AsSpan(0, n * 2);
                        ReadExactly(stream, chunk, file, e.Name);
                        for (var i = 0; i < n; i++)
                        {
                            var bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(2 * i)..]);
                            values[done + i] = e.DType == SafetensorsDType.F16
                                ? (float)BitConverter.UInt16BitsToHalf(bits)
                                : BitConverter.UInt32BitsToSingle((uint)bits << 16);
                        }

                        done += n;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return SafetensorsTensor.Wrap(e.Name, e.DType, e.Shape, values, null);
            }
        }
    }

    private static byte[] BuildHeader(List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Name == MetadataKey)
            {
                throw new ArgumentException($"a tensor cannot be called '{MetadataKey}'", nameof(tensors));
            }

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"the tensor name '{t.Name}' appears more than once", nameof(tensors));
            }
        }

        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(v, nameof(metadata));
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in tensors)
            {
                var bytes = (long)t.Length * ElementSize(t.DType);
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType.ToString());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }

            w.WriteEndObject();
        }

        var padded = (int)((ms.Length + 7) / 8 * 8);
        var header = new byte[padded];
        ms.ToArray().CopyTo(header, 0);
        header.AsSpan((int)ms.Length).Fill((byte)' ');
        return header;
    }

    private static void WriteContent(Stream stream, byte[] header, List<SafetensorsTensor> tensors)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            foreach (var t in tensors)
            {
                var size = ElementSize(t.DType);
                var per = buffer.Length / size;
                var count = t.Length;
                for (var done = 0; done < count; done += per)
                {
                    var n = Math.Min(per, count - done);
                    var chunk = buffer.AsSpan(0, n * size);
                    for (var i = 0; i < n; i++)
                    {
                        var span = chunk[(i * size)..];
                        switch (t.DType)
                        {
                            case SafetensorsDType.F32:
                                BinaryPrimitives.WriteSingleLittleEndian(span, t.RawFloats![done + i]);
                                break;
                            case SafetensorsDType.F16:
                                BinaryPrimitives.WriteUInt16LittleEndian(span, BitConverter.HalfToUInt16Bits((Half)t.RawFloats![done + i]));
                                break;
                            case SafetensorsDType.BF16:
                                BinaryPrimitives.WriteUInt16LittleEndian(span, ToBFloat16(t.RawFloats![done + i]));
                                break;
                            case SafetensorsDType.U8:
                                span[0] = (byte)t.RawFloats![done + i];
                                break;
                            default:
                                BinaryPrimitives.WriteInt64LittleEndian(span, t.RawLongs![done + i]);
                                break;
                        }
                    }

                    stream.Write(chunk);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string file, string? tensor)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException($"{file}: {(tensor is null ? string.Empty : $"tensor '{tensor}': ")}the file ends early", file, tensor, e);
        }
        catch (IOException e)
        {
            throw new CheckpointException($"{file}: read error: {e.Message}", file, tensor, e);
        }
    }

    private static string Truncate(string? s) => s is null ? "null" : Printable.Escape(s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…"));

    private static CheckpointException Fail(string file, string? tensor, string what) =>
        new(tensor is null ? $"{file}: {what}" : $"{file}: tensor '{Truncate(tensor)}': {what}", file, tensor);

    private readonly record struct Entry(string Name, SafetensorsDType DType, int[] Shape, int Count, long Begin, long End);
}
