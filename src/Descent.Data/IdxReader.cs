using System.Buffers.Binary;
using System.Globalization;

namespace Descent.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte[.gz]</c>), plain or
/// gzip-compressed (detected from the content, not the name).
/// </summary>
/// <remarks>
/// Layout: a magic number of two zero bytes, a type code (<see cref="IdxDataType"/>) and the number of
/// dimensions; then each dimension as a big-endian 32-bit integer; then the elements, big-endian,
/// row-major. Every malformation (wrong magic, a header or body shorter than announced, trailing data, a
/// corrupt gzip stream) raises a <see cref="DataFormatException"/> naming the file, the byte offset and
/// what was expected. The header is validated before the body is allocated, and a compressed body is read
/// incrementally, so a corrupt size never causes a huge allocation.
/// </remarks>
public static class IdxReader
{
    /// <summary>Largest accepted number of dimensions.</summary>
    public const int MaxRank = 16;

    /// <summary>Reads an IDX file.</summary>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = DataStreams.OpenRead(path, out var compressed);
        var length = compressed ? -1 : new FileInfo(path).Length;
        return Read(stream, path, compressed, length);
    }

    /// <summary>Reads an IDX file from a stream (gzip detected from its first bytes); <paramref name="name"/>
    /// names it in error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var s = DataStreams.Wrap(stream, out var compressed);
        var length = compressed ? -1 : s.Length - s.Position;
        return Read(s, name, compressed, length);
    }

    /// <summary>Reads an image file (rank ≥ 2, e.g. [N, 28, 28]) as a float tensor scaled by
    /// <paramref name="scale"/> (1/255 maps pixels to [0, 1]).</summary>
    public static Tensor ReadImages(string path, float scale = 1f / 255f)
    {
        var idx = Read(path);
        if (idx.Dimensions.Length < 2)
        {
            throw new DataFormatException(path, "byte 3", "an image file with at least 2 dimensions (count, rows, columns)",
                $"{idx.Dimensions.Length} dimension");
        }

        return idx.ToTensor(scale);
    }

    /// <summary>Reads a label file (rank 1) and checks every label is in [0, <paramref name="numClasses"/>).</summary>
    public static int[] ReadLabels(string path, int numClasses) => Read(path).ToLabels(numClasses);

    private static IdxArray Read(Stream s, string name, bool compressed, long length)
    {
        Span<byte> head = stackalloc byte[4];
        var n = DataStreams.ReadUpTo(s, head, name, 0, compressed);
        if (n < 4)
        {
            throw new DataFormatException(name, DataStreams.Describe(n, compressed),
                "a 4-byte IDX magic number (00 00 type rank)", "end of file");
        }

        if (head[0] != 0 || head[1] != 0 || !Enum.IsDefined((IdxDataType)head[2]))
        {
            throw new DataFormatException(name, DataStreams.Describe(0, compressed),
                "an IDX magic number 00 00 tt rr with type tt in {08, 09, 0B, 0C, 0D, 0E} (e.g. 0x00000803 for images, 0x00000801 for labels)",
                $"0x{BinaryPrimitives.ReadUInt32BigEndian(head):X8}");
        }

        var type = (IdxDataType)head[2];
        var rank = head[3];
        if (rank < 1 || rank > MaxRank)
        {
            throw new DataFormatException(name, DataStreams.Describe(3, compressed),
                $"a number of dimensions in [1, {MaxRank}]", rank.ToString(CultureInfo.InvariantCulture));
        }

        Span<byte> dimBytes = stackalloc byte[4 * rank];
        n = DataStreams.ReadUpTo(s, dimBytes, name, 4, compressed);
        if (n < dimBytes.Length)
        {
            throw new DataFormatException(name, DataStreams.Describe(4 + n, compressed),
                $"{rank} big-endian 32-bit dimension sizes ({4 * rank} bytes) after the magic number", "end of file");
        }

        var dims = new int[rank];
        long count = 1;
        var elementSize = IdxArray.ElementSize(type);
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(dimBytes[(4 * d)..]);
            if (dims[d] < 0)
            {
                throw new DataFormatException(name, DataStreams.Describe(4 + (4 * d), compressed),
                    $"a non-negative size for dimension {d}", dims[d].ToString(CultureInfo.InvariantCulture));
            }

            count *= dims[d];
            if (count * elementSize > Array.MaxLength)
            {
                throw new DataFormatException(name, DataStreams.Describe(4 + (4 * d), compressed),
                    $"dimension sizes whose data fits in one array (at most {Array.MaxLength} bytes)",
                    $"dimensions [{string.Join(", ", dims.Take(d + 1))}{(d + 1 < rank ? ", …" : string.Empty)}]");
            }
        }

        var header = 4 + (4 * rank);
        var needed = count * elementSize;
        var shape = $"[{string.Join(", ", dims)}]";
        if (length >= 0 && length - header < needed)
        {
            throw new DataFormatException(name, $"byte {length} (end of file)",
                $"{needed} bytes of {type} data after the {header}-byte header for dimensions {shape}",
                $"only {length - header} (the file is truncated)");
        }

        var data = ReadBody(s, name, compressed, header, (int)needed, shape, type);
        Span<byte> probe = stackalloc byte[1];
        if (DataStreams.ReadUpTo(s, probe, name, header + needed, compressed) != 0)
        {
            throw new DataFormatException(name, DataStreams.Describe(header + needed, compressed),
                $"the end of the file after {count} elements of dimensions {shape}", "more data");
        }

        return new IdxArray(name, compressed, type, dims, data);
    }

    private static byte[] ReadBody(Stream s, string name, bool compressed, int header, int needed, string shape, IdxDataType type)
    {
        // Grow the buffer as data actually arrives, so a corrupt header cannot force a huge allocation.
        var data = new byte[Math.Min(needed, 1 << 20)];
        var got = 0;
        while (got < needed)
        {
            if (got == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(needed, (long)data.Length * 2));
            }

            var n = DataStreams.ReadUpTo(s, data.AsSpan(got, data.Length - got), name, header + got, compressed);
            got += n;
            if (n == 0 || (got < data.Length && got < needed))
            {
                break;
            }
        }

        if (got < needed)
        {
            throw new DataFormatException(name, DataStreams.Describe(header + got, compressed) + " (end of file)",
                $"{needed} bytes of {type} data after the {header}-byte header for dimensions {shape}",
                $"only {got} (the file is truncated)");
        }

        return data;
    }
}
