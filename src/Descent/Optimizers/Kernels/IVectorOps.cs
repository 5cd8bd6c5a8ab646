namespace Descent.Optimizers.Kernels;

/// <summary>
/// The element-wise float32 operations that the fused optimizer kernels need, abstracted over one SIMD
/// width so that each kernel's body is written once and specialized by the JIT for
/// <see cref="System.Runtime.Intrinsics.Vector512{T}"/>, <see cref="System.Runtime.Intrinsics.Vector256{T}"/> and
/// <see cref="System.Runtime.Intrinsics.Vector128{T}"/>. Every operation is IEEE-exact per lane (fused
/// multiply-add only where the scalar reference uses <see cref="MathF.FusedMultiplyAdd"/>, no approximate
/// reciprocals), so a vector lane computes bit for bit what the scalar
/// reference computes.
/// </summary>
/// <typeparam name="TVec">The vector type.</typeparam>
internal interface IVectorOps<TVec>
    where TVec : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width is accelerated on this machine.</summary>
    static abstract bool IsAccelerated { get; }

    static abstract TVec Load(ref float source, nuint index);

    static abstract void Store(TVec value, ref float destination, nuint index);

    static abstract TVec Splat(float value);

    static abstract TVec Add(TVec a, TVec b);

    /// <summary>a·b + c with a single rounding (fused multiply-add), as PyTorch's vectorized kernels compute
    /// <c>add(x, y, alpha)</c> and <c>lerp</c>.</summary>
    static abstract TVec MulAdd(TVec a, TVec b, TVec c);

    static abstract TVec Sub(TVec a, TVec b);

    static abstract TVec Mul(TVec a, TVec b);

    static abstract TVec Div(TVec a, TVec b);

    static abstract TVec Sqrt(TVec a);

    /// <summary>IEEE 754:2019 maximum: NaN if either lane is NaN (like <see cref="MathF.Max(float, float)"/>).</summary>
    static abstract TVec Max(TVec a, TVec b);

    static abstract TVec Abs(TVec a);

    /// <summary>Flips the sign bit (exact negation, also of zeros and NaN).</summary>
    static abstract TVec Neg(TVec a);
}
