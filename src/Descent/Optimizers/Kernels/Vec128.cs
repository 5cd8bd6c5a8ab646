using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Optimizers.Kernels;

/// <summary>A <c>Vector128&lt;float&gt;</c> of floats as an <see cref="IFloatVector{TV}"/>.</summary>
internal readonly struct Vec128 : IFloatVector<Vec128>
{
    private readonly Vector128<float> v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vec128(Vector128<float> v) => this.v = v;

    public static int Count => Vector128<float>.Count;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec128 value, ref float destination, nuint index) => value.v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 operator +(Vec128 a, Vec128 b) => new(a.v + b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 operator -(Vec128 a, Vec128 b) => new(a.v - b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 operator *(Vec128 a, Vec128 b) => new(a.v * b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 operator /(Vec128 a, Vec128 b) => new(a.v / b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Sqrt(Vec128 a) => new(Vector128.Sqrt(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 MulAdd(Vec128 a, Vec128 b, Vec128 c) => new(Vector128.FusedMultiplyAdd(a.v, b.v, c.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Max(Vec128 a, Vec128 b) => new(Vector128.Max(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Min(Vec128 a, Vec128 b) => new(Vector128.Min(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Abs(Vec128 a) => new(Vector128.Abs(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 operator -(Vec128 a) => new(Vector128.Xor(a.v, Vector128.Create(-0f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 GreaterThan(Vec128 a, Vec128 b) => new(Vector128.GreaterThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 LessThan(Vec128 a, Vec128 b) => new(Vector128.LessThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 EqualsMask(Vec128 a, Vec128 b) => new(Vector128.Equals(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Select(Vec128 mask, Vec128 a, Vec128 b) => new(Vector128.ConditionalSelect(mask.v, a.v, b.v));

    public static double SumToDouble(Vec128 a)
    {
        double s = 0;
        for (var k = 0; k < Vector128<float>.Count; k++)
        {
            s += a.v.GetElement(k);
        }

        return s;
    }
}
