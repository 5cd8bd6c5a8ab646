namespace Descent.Optimizers.Kernels;

/// <summary>
/// A float vector of one hardware width (<see cref="Vec512"/>, <see cref="Vec256"/>, <see cref="Vec128"/>), so
/// that each optimizer kernel body is written once and instantiated per width. The members map one-to-one to
/// correctly rounded IEEE operations, so a vector lane computes exactly what the scalar reference computes.
/// </summary>
/// <typeparam name="TV">The implementing vector type.</typeparam>
internal interface IFloatVector<TV>
    where TV : struct, IFloatVector<TV>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware on this machine.</summary>
    static abstract bool IsSupported { get; }

    static abstract TV Create(float value);

    static abstract TV Load(ref float source, nuint index);

    static abstract void Store(TV value, ref float destination, nuint index);

    static abstract TV operator +(TV a, TV b);

    static abstract TV operator -(TV a, TV b);

    static abstract TV operator *(TV a, TV b);

    static abstract TV operator /(TV a, TV b);

    static abstract TV Sqrt(TV a);

    /// <summary>a·b + c with a single rounding (fused multiply-add), as PyTorch's vectorized kernels compute
    /// <c>add(x, y, alpha)</c>, <c>addcmul</c> and <c>lerp</c>.</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);

    /// <summary>IEEE 754:2019 maximum: NaN if either lane is NaN (like <see cref="MathF.Max(float, float)"/>).</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>IEEE 754:2019 minimum: NaN if either lane is NaN (like <see cref="MathF.Min(float, float)"/>).</summary>
    static abstract TV Min(TV a, TV b);

    static abstract TV Abs(TV a);

    /// <summary>Flips the sign bit (exact negation, also of zeros and NaN).</summary>
    static abstract TV operator -(TV a);

    /// <summary>Lane-wise a &gt; b as an all-ones / all-zeros mask.</summary>
    static abstract TV GreaterThan(TV a, TV b);

    /// <summary>Lane-wise a &lt; b as a mask.</summary>
    static abstract TV LessThan(TV a, TV b);

    /// <summary>Lane-wise a == b as a mask (false for NaN).</summary>
    static abstract TV EqualsMask(TV a, TV b);

    /// <summary>mask ? a : b, lane-wise.</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    /// <summary>The lanes' sum in double precision, lane 0 first.</summary>
    static abstract double SumToDouble(TV a);
}
