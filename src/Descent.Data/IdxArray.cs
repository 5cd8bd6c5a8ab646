using System.Buffers.Binary;

namespace Descent.Data;

/// <summary>
/// The contents of an IDX file (the MNIST format): an element type, dimensions, and the big-endian
/// elements, as read by <see cref="IdxReader"/>.
/// </summary>
public sealed class IdxArray
{
    private readonly byte[] data;
    private readonly int[] dimensions;

    internal IdxArray(string source, bool compressed, IdxDataType dataType, int[] dimensions, byte[] data)
    {
        Source = source;
        Compressed = compressed;
        DataType = dataType;
        this.dimensions = dimensions;
        this.data = data;
        Count = checked((int)(data.LongLength / ElementSize(dataType)));
    }

    /// <summary>The file (or stream name) it was read from.</summary>
    public string Source { get; }

    /// <summary>Whether the file was gzip-compressed.</summary>
    public bool Compressed { get; }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first (e.g. [60000, 28, 28]).</summary>
    public ReadOnlySpan<int> Dimensions => dimensions;

    /// <summary>Number of elements (product of the dimensions).</summary>
    public int Count { get; }

    /// <summary>Byte offset of element 0 in the (decompressed) file: 4 + 4 × rank.</summary>
    public int HeaderLength => 4 + (4 * dimensions.Length);

    /// <summary>The raw elements of an unsigned-byte file (e.g. pixels 0–255).</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            if (DataType != IdxDataType.UnsignedByte)
            {
                throw new InvalidOperationException($"{Source} holds {DataType} elements, not unsigned bytes");
            }

            return data;
        }
    }

    /// <summary>Size in bytes of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an IDX element type"),
    };

    /// <summary>Element <paramref name="index"/> (row-major) as a double.</summary>
    public double GetValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Decode(index);
    }

    /// <summary>The elements as a float tensor of shape <see cref="Dimensions"/>, each multiplied by
    /// <paramref name="scale"/> (e.g. 1/255 for pixels).</summary>
    public Tensor ToTensor(float scale = 1f)
    {
        var t = new Tensor(dimensions);
        var span = t.Span;
        if (DataType == IdxDataType.UnsignedByte)
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = data[i] * scale;
            }
        }
        else
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (float)(Decode(i) * scale);
            }
        }

        return t;
    }

    /// <summary>
    /// The elements as class labels in [0, <paramref name="numClasses"/>). A value that is not an integer
    /// in that range raises a <see cref="DataFormatException"/> naming its byte offset.
    /// </summary>
    public int[] ToLabels(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if (dimensions.Length != 1)
        {
            throw new DataFormatException(Source, "byte 3", "a 1-dimensional label file", $"{dimensions.Length} dimensions [{string.Join(", ", dimensions)}]");
        }

        var labels = new int[Count];
        for (var i = 0; i < labels.Length; i++)
        {
            var v = Decode(i);
            if (!(v >= 0 && v < numClasses && v == Math.Floor(v)))
            {
                var at = HeaderLength + ((long)i * ElementSize(DataType));
                throw new DataFormatException(Source, DataStreams.Describe(at, Compressed) + $" (label {i})",
                    $"a class label in [0, {numClasses})", v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            labels[i] = (int)v;
        }

        return labels;
    }

    private double Decode(int i)
    {
        var s = data.AsSpan();
        return DataType switch
        {
            IdxDataType.UnsignedByte => data[i],
            IdxDataType.SignedByte => (sbyte)data[i],
            IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(s[(i * 2)..]),
            IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(s[(i * 4)..]),
            IdxDataType.Float32 => BinaryPrimitives.ReadSingleBigEndian(s[(i * 4)..]),
            IdxDataType.Float64 => BinaryPrimitives.ReadDoubleBigEndian(s[(i * 8)..]),
            _ => throw new InvalidOperationException("unknown IDX type"),
        };
    }
}
