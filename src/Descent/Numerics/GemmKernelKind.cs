namespace Descent.Numerics;

/// <summary>The vector width of the <see cref="Gemm"/> micro-kernel.</summary>
internal enum GemmKernelKind
{
    /// <summary>4×8 tiles of Vector128.</summary>
    Vector128,

    /// <summary>6×16 tiles of Vector256 with FMA.</summary>
    Vector256,

    /// <summary>12×32 tiles of Vector512.</summary>
    Vector512,
}
