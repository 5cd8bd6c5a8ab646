using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Optimizers.Kernels;

/// <summary>A <c>Vector256&lt;float&gt;</c> of floats as an <see cref="IFloatVector{TV}"/>.</summary>
internal readonly struct Vec256 : IFloatVector<Vec256>
{
    private readonly Vector256<float> v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vec256(Vector256<float> v) => this.v = v;

    public static int Count => Vector256<float>.Count;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec256 value, ref float destination, nuint index) => value.v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 operator +(Vec256 a, Vec256 b) => new(a.v + b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 operator -(Vec256 a, Vec256 b) => new(a.v - b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 operator *(Vec256 a, Vec256 b) => new(a.v * b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 operator /(Vec256 a, Vec256 b) => new(a.v / b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Sqrt(Vec256 a) => new(Vector256.Sqrt(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 MulAdd(Vec256 a, Vec256 b, Vec256 c) => new(Vector256.FusedMultiplyAdd(a.v, b.v, c.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Max(Vec256 a, Vec256 b) => new(Vector256.Max(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Min(Vec256 a, Vec256 b) => new(Vector256.Min(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Abs(Vec256 a) => new(Vector256.Abs(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 operator -(Vec256 a) => new(Vector256.Xor(a.v, Vector256.Create(-0f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 GreaterThan(Vec256 a, Vec256 b) => new(Vector256.GreaterThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 LessThan(Vec256 a, Vec256 b) => new(Vector256.LessThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 EqualsMask(Vec256 a, Vec256 b) => new(Vector256.Equals(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Select(Vec256 mask, Vec256 a, Vec256 b) => new(Vector256.ConditionalSelect(mask.v, a.v, b.v));

    public static double SumToDouble(Vec256 a)
    {
        double s = 0;
        for (var k = 0; k < Vector256<float>.Count; k++)
        {
            s += a.v.GetElement(k);
        }

        return s;
    }
}
