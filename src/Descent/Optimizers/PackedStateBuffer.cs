using Descent.Checkpoints;

namespace Descent.Optimizers;

/// <summary>
/// An optimizer state buffer that is not float32 — 8-bit codes (<see cref="SafetensorsDType.U8"/>) or bfloat16
/// bits (<see cref="SafetensorsDType.BF16"/>) — as checkpoints see it: read as float32 values (exact), written back
/// from float32 values that must be representable. Listed by <see cref="ParameterState.PackedBuffers"/>.
/// </summary>
public sealed class PackedStateBuffer
{
    private readonly byte[]? codes;
    private readonly ushort[]? halves;
    private readonly int[] shape;

    /// <summary>8-bit codes of a tensor of <paramref name="shape"/> (the array is kept, not copied).</summary>
    internal PackedStateBuffer(byte[] codes, int[] shape)
    {
        this.codes = codes;
        this.shape = shape;
    }

    /// <summary>bfloat16 bits of a tensor of <paramref name="shape"/> (the array is kept, not copied).</summary>
    internal PackedStateBuffer(ushort[] halves, int[] shape)
    {
        this.halves = halves;
        this.shape = shape;
    }

    /// <summary>The element type it is saved as: U8 or BF16.</summary>
    public SafetensorsDType DType => codes is null ? SafetensorsDType.BF16 : SafetensorsDType.U8;

    /// <summary>The tensor's dimensions.</summary>
    public IReadOnlyList<int> Shape => shape;

    /// <summary>Number of elements.</summary>
    public int Length => codes?.Length ?? halves!.Length;

    /// <summary>Bytes held (1 or 2 per element).</summary>
    public long Bytes => codes?.LongLength ?? (2L * halves!.Length);

    /// <summary>Writes the values as float32 (codes 0–255, or the bfloat16 values) to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, expected {Length}", nameof(destination));
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = codes is null ? Kernels.BFloat16.ToSingle(halves![i]) : codes[i];
        }
    }

    /// <summary>Sets the buffer from float32 values: integers 0–255 for codes, exact bfloat16 values for BF16.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a value that the type cannot hold exactly (named by
    /// its index).</exception>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException($"{source.Length} values given, expected {Length}", nameof(source));
        }

        for (var i = 0; i < source.Length; i++)
        {
            var x = source[i];
            if (codes is not null)
            {
                codes[i] = x is >= 0 and <= 255 && x == MathF.Floor(x) ? (byte)x
                    : throw new ArgumentException($"element {i} is {x}; an 8-bit code must be an integer in [0, 255]", nameof(source));
            }
            else
            {
                var bits = Kernels.BFloat16.RoundNearestEven(x);
                halves![i] = Kernels.BFloat16.ToSingle(bits).Equals(x) ? bits
                    : throw new ArgumentException($"element {i} is {x}, which is not a bfloat16 value", nameof(source));
            }
        }
    }
}
