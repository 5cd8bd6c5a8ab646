using System.IO.Compression;

namespace Descent.Data;

/// <summary>Opens data files, decompressing gzip transparently (detected by its magic bytes 1F 8B).</summary>
internal static class DataStreams
{
    /// <summary>Opens <paramref name="path"/> for reading; <paramref name="compressed"/> tells whether it was gzip.</summary>
    public static Stream OpenRead(string path, out bool compressed)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Wrap(file, out compressed);
    }

    /// <summary>Wraps a stream (positioned at its start) with gzip decompression when it starts with the gzip magic.</summary>
    public static Stream Wrap(Stream stream, out bool compressed)
    {
        var buffered = stream;
        if (!stream.CanSeek)
        {
            buffered = new MemoryStream();
            stream.CopyTo(buffered);
            stream.Dispose();
            buffered.Position = 0;
        }

        Span<byte> magic = stackalloc byte[2];
        var start = buffered.Position;
        var n = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        buffered.Position = start;
        compressed = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        return compressed ? new GZipStream(buffered, CompressionMode.Decompress, leaveOpen: false) : buffered;
    }

    /// <summary>Reads as many bytes as are available, up to <paramref name="buffer"/>'s length; turns a corrupt
    /// gzip stream into a <see cref="DataFormatException"/>.</summary>
    public static int ReadUpTo(Stream stream, Span<byte> buffer, string source, long position, bool compressed)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(source, Describe(position, compressed), "valid gzip-compressed data", e.Message, e);
        }
    }

    /// <summary>"byte N" or "byte N of the decompressed data".</summary>
    public static string Describe(long position, bool compressed)
        => compressed ? $"byte {position} of the decompressed data" : $"byte {position}";
}
