using Descent.Data;

namespace Descent.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFiles temp = new();

    public void Dispose() => temp.Dispose();

    private static byte[] Idx(byte type, int[] dims, byte[] body)
    {
        using var ms = new MemoryStream();
        ms.Write([0, 0, type, (byte)dims.Length]);
        foreach (var d in dims)
        {
            ms.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        ms.Write(body);
        return ms.ToArray();
    }

    private static byte[] Pixels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesPlainAndGzip(bool gzip)
    {
        var body = Pixels(2 * 3 * 4);
        var bytes = Idx(0x08, [2, 3, 4], body);
        var path = gzip ? temp.WriteGzip("img.gz", bytes) : temp.Write("img", bytes);
        var idx = IdxReader.Read(path);
        Assert.Equal(IdxDataType.UnsignedByte, idx.DataType);
        Assert.Equal(gzip, idx.Compressed);
        Assert.Equal([2, 3, 4], idx.Dimensions.ToArray());
        Assert.Equal(body, idx.Bytes.ToArray());
        var t = IdxReader.ReadImages(path);
        Assert.Equal([2, 3, 4], t.Shape.ToArray());
        Assert.Equal(body[5] / 255f, t[5]);
    }

    [Fact]
    public void WriterRoundTrips()
    {
        var body = Pixels(10 * 2 * 2);
        var path = Path.Combine(temp.Folder, "w.gz");
        IdxWriter.WriteBytes(path, body, [10, 2, 2], gzip: true);
        var idx = IdxReader.Read(path);
        Assert.True(idx.Compressed);
        Assert.Equal(body, idx.Bytes.ToArray());
    }

    [Fact]
    public void DecodesBigEndianTypes()
    {
        var ints = Idx(0x0C, [2], [0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE]);
        var idx = IdxReader.Read(temp.Write("i32", ints));
        Assert.Equal(258.0, idx.GetValue(0));
        Assert.Equal(-2.0, idx.GetValue(1));
        var floats = Idx(0x0D, [1], BitConverter.GetBytes(1.5f).Reverse().ToArray());
        Assert.Equal(1.5, IdxReader.Read(temp.Write("f32", floats)).GetValue(0));
    }

    [Fact]
    public void SignedBytesAreReadAsSigned()
    {
        // Issue 15: type code 0x09 holds two's-complement bytes: 0xFF is -1 and 0x80 is -128, never 255 or 128.
        var path = temp.Write("i8", Idx(0x09, [2, 2], [0x00, 0x7F, 0x80, 0xFF]));
        var idx = IdxReader.Read(path);
        Assert.Equal(IdxDataType.SignedByte, idx.DataType);
        Assert.Equal([0.0, 127.0, -128.0, -1.0], Enumerable.Range(0, 4).Select(idx.GetValue));
        Assert.Equal([0f, 127f, -128f, -1f], idx.ToTensor().Span.ToArray());
        Assert.Equal([0f, 63.5f, -64f, -0.5f], idx.ToTensor(0.5f).Span.ToArray());
        Assert.Throws<InvalidOperationException>(() => idx.Bytes.Length); // raw unsigned bytes only for type 0x08
        var labels = temp.Write("i8-labels", Idx(0x09, [3], [1, 0xFF, 2]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(labels, 10));
        Assert.EndsWith("expected a class label in [0, 10), found -1", e.Message, StringComparison.Ordinal);
        Assert.Equal([1, 0, 2], IdxReader.ReadLabels(temp.Write("i8-ok", Idx(0x09, [3], [1, 0, 2])), 10));
    }

    [Fact]
    public void ReadsLabels()
    {
        var path = temp.WriteGzip("labels.gz", Idx(0x08, [4], [0, 9, 3, 1]));
        Assert.Equal([0, 9, 3, 1], IdxReader.ReadLabels(path, 10));
    }

    [Fact]
    public void WrongMagicNamesFileOffsetAndExpectation()
    {
        var bytes = Idx(0x08, [3], [1, 2, 3]);
        bytes[0] = 0x1A;
        var path = temp.Write("bad-magic", bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("byte 0", e.Position);
        Assert.Contains("IDX magic number", e.Expected, StringComparison.Ordinal);
        Assert.Contains("0x1A000801", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTypeCodeIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("t", Idx(0x07, [1], [0]))));
        Assert.Equal("byte 0", e.Position);
    }

    [Fact]
    public void ZeroRankIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("r", [0, 0, 8, 0])));
        Assert.Equal("byte 3", e.Position);
        Assert.Contains("number of dimensions", e.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void FileShorterThanMagic(int length)
    {
        var path = temp.Write("short", new byte[length]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Equal($"byte {length}", e.Position);
        Assert.Equal("end of file", e.Found);
    }

    [Fact]
    public void TruncatedHeader()
    {
        var bytes = Idx(0x08, [2, 3, 4], Pixels(24))[..10];
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("th", bytes)));
        Assert.Equal("byte 10", e.Position);
        Assert.Contains("3 big-endian 32-bit dimension sizes", e.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedBody(bool gzip)
    {
        var bytes = Idx(0x08, [2, 3, 4], Pixels(24))[..(16 + 20)];
        var path = gzip ? temp.WriteGzip("tb.gz", bytes) : temp.Write("tb", bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("byte 36", e.Position, StringComparison.Ordinal);
        Assert.Contains("24 bytes of UnsignedByte data", e.Expected, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 4]", e.Expected, StringComparison.Ordinal);
        Assert.Equal("only 20 (the file is truncated)", e.Found);
        if (gzip)
        {
            Assert.Contains("decompressed", e.Position, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TrailingDataIsRejected()
    {
        var bytes = Idx(0x08, [2], [1, 2, 3]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("trail", bytes)));
        Assert.Equal("byte 10", e.Position);
        Assert.Equal("more data", e.Found);
    }

    [Fact]
    public void HugeDimensionsInCompressedFileFailWithoutHugeAllocation()
    {
        // Claims 2e9 bytes but holds 5: must fail as truncated, not allocate 2 GB.
        var bytes = Idx(0x08, [1_000_000_000, 2], [1, 2, 3, 4, 5]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.WriteGzip("huge.gz", bytes)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        Assert.Contains("truncated", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void DimensionsTooLargeForMemoryAreRejectedFromHeader()
    {
        var bytes = Idx(0x0E, [int.MaxValue, int.MaxValue], []);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("toolarge", bytes)));
        Assert.Contains("fits in one array", e.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDimensionIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(temp.Write("neg", Idx(0x08, [1, -3], []))));
        Assert.Equal("byte 8", e.Position);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        var gz = File.ReadAllBytes(temp.WriteGzip("c.gz", Idx(0x08, [64], Pixels(64))));
        for (var i = 12; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5A;
        }

        var path = temp.Write("corrupt.gz", gz);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void LabelOutOfRangeNamesItsByteOffset()
    {
        var path = temp.Write("labels", Idx(0x08, [5], [0, 1, 2, 12, 3]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path, 10));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("byte 11 (label 3)", e.Position);
        Assert.Equal("a class label in [0, 10)", e.Expected);
        Assert.Equal("12", e.Found);
    }

    [Fact]
    public void LabelsMustBeOneDimensional()
    {
        var path = temp.Write("labels2d", Idx(0x08, [2, 2], [0, 1, 2, 3]));
        Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path, 10));
    }

    [Fact]
    public void RandomGarbageNeverThrowsAnythingButDataFormatException()
    {
        var rng = new Rng(7);
        for (var trial = 0; trial < 500; trial++)
        {
            var len = rng.NextInt(40);
            var bytes = new byte[len];
            for (var i = 0; i < len; i++)
            {
                bytes[i] = (byte)rng.NextInt(256);
            }

            if (len > 3 && rng.NextInt(2) == 0)
            {
                bytes[0] = 0;
                bytes[1] = 0;
                bytes[2] = 0x08;
                bytes[3] = (byte)(1 + rng.NextInt(3));
            }

            try
            {
                IdxReader.Read(new MemoryStream(bytes), "fuzz");
            }
            catch (DataFormatException)
            {
            }
        }
    }
}
