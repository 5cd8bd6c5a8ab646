using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Optimizers.Kernels;

/// <summary>A <c>Vector512&lt;float&gt;</c> of floats as an <see cref="IFloatVector{TV}"/>.</summary>
internal readonly struct Vec512 : IFloatVector<Vec512>
{
    private readonly Vector512<float> v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vec512(Vector512<float> v) => this.v = v;

    public static int Count => Vector512<float>.Count;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec512 value, ref float destination, nuint index) => value.v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 operator +(Vec512 a, Vec512 b) => new(a.v + b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 operator -(Vec512 a, Vec512 b) => new(a.v - b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 operator *(Vec512 a, Vec512 b) => new(a.v * b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 operator /(Vec512 a, Vec512 b) => new(a.v / b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Sqrt(Vec512 a) => new(Vector512.Sqrt(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 MulAdd(Vec512 a, Vec512 b, Vec512 c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Max(Vec512 a, Vec512 b) => new(Vector512.Max(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Min(Vec512 a, Vec512 b) => new(Vector512.Min(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Abs(Vec512 a) => new(Vector512.Abs(a.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 operator -(Vec512 a) => new(Vector512.Xor(a.v, Vector512.Create(-0f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 GreaterThan(Vec512 a, Vec512 b) => new(Vector512.GreaterThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 LessThan(Vec512 a, Vec512 b) => new(Vector512.LessThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 EqualsMask(Vec512 a, Vec512 b) => new(Vector512.Equals(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Select(Vec512 mask, Vec512 a, Vec512 b) => new(Vector512.ConditionalSelect(mask.v, a.v, b.v));

    public static double SumToDouble(Vec512 a)
    {
        double s = 0;
        for (var k = 0; k < Vector512<float>.Count; k++)
        {
            s += a.v.GetElement(k);
        }

        return s;
    }
}
