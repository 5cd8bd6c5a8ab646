namespace Descent.Checkpoints;

/// <summary>
/// One named tensor of a safetensors file: its stored element type, its shape (empty for a 0-dimensional
/// tensor) and its values — as float32 for F32/F16/BF16 (converted exactly on reading), as 64-bit integers
/// for I64.
/// </summary>
public sealed class SafetensorsTensor
{
    private readonly int[] shape;
    private readonly float[]? floats;
    private readonly long[]? longs;

    private SafetensorsTensor(string name, SafetensorsDType dtype, int[] shape, float[]? floats, long[]? longs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        DType = dtype;
        this.shape = shape;
        this.floats = floats;
        this.longs = longs;
    }

    /// <summary>The tensor's name (a state_dict key such as <c>0.weight</c>).</summary>
    public string Name { get; }

    /// <summary>The element type in the file.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The dimensions (empty for a 0-dimensional tensor).</summary>
    public IReadOnlyList<int> Shape => shape;

    /// <summary>Number of elements (1 for a 0-dimensional tensor).</summary>
    public int Length => floats?.Length ?? longs!.Length;

    /// <summary>The values as float32 (F32, F16, BF16); for I64 use <see cref="Int64Values"/> or
    /// <see cref="ToTensor"/>.</summary>
    public ReadOnlySpan<float> FloatValues => floats ?? throw new InvalidOperationException(
        $"tensor '{Name}' is {DType}; read its values with {nameof(Int64Values)}");

    /// <summary>The exact integer values of an I64 tensor.</summary>
    public ReadOnlySpan<long> Int64Values => longs ?? throw new InvalidOperationException(
        $"tensor '{Name}' is {DType}, not I64; read its values with {nameof(FloatValues)}");

    /// <summary>A float tensor stored as <paramref name="dtype"/> (F32, F16 or BF16; values are rounded to
    /// the type on writing). The values are copied.</summary>
    public static SafetensorsTensor FromTensor(string name, Tensor tensor, SafetensorsDType dtype = SafetensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return FromFloats(name, tensor.Span, [.. tensor.Shape], dtype);
    }

    /// <summary>A float tensor from values and a shape (row-major; the values are copied); stored as F32, F16, BF16,
    /// or U8 (values must then be integers 0–255).</summary>
    public static SafetensorsTensor FromFloats(string name, ReadOnlySpan<float> values, int[] shape,
        SafetensorsDType dtype = SafetensorsDType.F32)
    {
        if (dtype == SafetensorsDType.I64)
        {
            throw new ArgumentException($"use {nameof(FromInt64)} for I64 tensors ('{name}')", nameof(dtype));
        }

        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"unknown dtype {dtype}");
        }

        CheckShape(name, shape, values.Length);
        if (dtype == SafetensorsDType.U8)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is not (>= 0 and <= 255) || values[i] != MathF.Floor(values[i]))
                {
                    throw new ArgumentException($"tensor '{name}': element {i} is {values[i]}; U8 holds integers 0 to 255", nameof(values));
                }
            }
        }

        return new(name, dtype, [.. shape], values.ToArray(), null);
    }

    /// <summary>An I64 tensor (e.g. <c>num_batches_tracked</c>, shape <c>[]</c>); the values are copied.</summary>
    public static SafetensorsTensor FromInt64(string name, ReadOnlySpan<long> values, int[] shape)
    {
        CheckShape(name, shape, values.Length);
        return new(name, SafetensorsDType.I64, [.. shape], null, values.ToArray());
    }

    /// <summary>A module buffer as PyTorch saves it: <c>num_batches_tracked</c> as I64, any other buffer as F32.</summary>
    public static SafetensorsTensor FromBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(buffer);
        return name.EndsWith("num_batches_tracked", StringComparison.Ordinal)
            ? FromInt64(name, buffer.Span.ToArray().Select(v => (long)v).ToArray(), [.. buffer.Shape])
            : FromTensor(name, buffer);
    }

    /// <summary>The values as a new float32 tensor (I64 values converted to the nearest float).</summary>
    public Tensor ToTensor()
    {
        var t = new Tensor(shape);
        if (floats is not null)
        {
            floats.CopyTo(t.Span);
        }
        else
        {
            var s = t.Span;
            for (var i = 0; i < longs!.Length; i++)
            {
                s[i] = longs[i];
            }
        }

        return t;
    }

    /// <summary>Wraps values already read and converted (no copy).</summary>
    internal static SafetensorsTensor Wrap(string name, SafetensorsDType dtype, int[] shape, float[]? floats, long[]? longs) =>
        new(name, dtype, shape, floats, longs);

    internal float[]? RawFloats => floats;

    internal long[]? RawLongs => longs;

    private static void CheckShape(string name, int[] shape, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"tensor '{name}': shape {ShapeUtil.Format(shape)} has a negative dimension", nameof(shape));
            }

            n *= d;
            if (n > Array.MaxLength)
            {
                throw new ArgumentException($"tensor '{name}': shape {ShapeUtil.Format(shape)} is too large", nameof(shape));
            }
        }

        if (n != count)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape {ShapeUtil.Format(shape)} holds {n} elements, but {count} values were given", nameof(shape));
        }
    }
}
