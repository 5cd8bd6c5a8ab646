namespace Descent.Checkpoints;

/// <summary>The element types Descent reads and writes in safetensors files (the format's names).</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE float32 ("F32").</summary>
    F32,

    /// <summary>IEEE float16 ("F16"); converted to float32 on reading, rounded to nearest even on writing.</summary>
    F16,

    /// <summary>bfloat16 ("BF16"): the upper 16 bits of a float32; rounded to nearest even on writing.</summary>
    BF16,

    /// <summary>Unsigned 8-bit integer ("U8"), e.g. 8-bit optimizer state codes; read as float32 0–255, written from
    /// float32 values that must be integers in that range.</summary>
    U8,

    /// <summary>Signed 64-bit integer ("I64"), e.g. BatchNorm's <c>num_batches_tracked</c>; the exact values are
    /// kept, <see cref="SafetensorsTensor.ToTensor"/> converts them to float32.</summary>
    I64,
}
