using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>Writes unsigned-byte IDX files (the MNIST format), plain or gzip-compressed.</summary>
public static class IdxWriter
{
    /// <summary>Writes <paramref name="data"/> (row-major, product of <paramref name="dimensions"/> bytes)
    /// to <paramref name="path"/>; gzip-compressed when <paramref name="gzip"/> is true.</summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> data, ReadOnlySpan<int> dimensions, bool gzip)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        if (gzip)
        {
            using var z = new GZipStream(file, CompressionLevel.SmallestSize);
            WriteBytes(z, data, dimensions);
        }
        else
        {
            WriteBytes(file, data, dimensions);
        }
    }

    /// <summary>Writes an unsigned-byte IDX file to a stream.</summary>
    public static void WriteBytes(Stream stream, ReadOnlySpan<byte> data, ReadOnlySpan<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (dimensions.Length is < 1 or > IdxReader.MaxRank)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions.Length, $"an IDX file has 1 to {IdxReader.MaxRank} dimensions");
        }

        long count = 1;
        foreach (var d in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dimensions));
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"{data.Length} bytes do not match dimensions [{string.Join(", ", dimensions.ToArray())}] ({count} elements)", nameof(data));
        }

        Span<byte> header = stackalloc byte[4 + (4 * dimensions.Length)];
        header[0] = 0;
        header[1] = 0;
        header[2] = (byte)IdxDataType.UnsignedByte;
        header[3] = (byte)dimensions.Length;
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + (4 * i))..], dimensions[i]);
        }

        stream.Write(header);
        stream.Write(data);
    }
}
