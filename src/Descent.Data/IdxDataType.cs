namespace Descent.Data;

/// <summary>The element type code of an IDX file (the third byte of its magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte (MNIST images and labels).</summary>
    UnsignedByte = 0x08,

    /// <summary>0x09: signed byte.</summary>
    SignedByte = 0x09,

    /// <summary>0x0B: big-endian 16-bit integer.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: big-endian 32-bit integer.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: big-endian IEEE 754 single.</summary>
    Float32 = 0x0D,

    /// <summary>0x0E: big-endian IEEE 754 double.</summary>
    Float64 = 0x0E,
}
