using System.Numerics.Tensors;

namespace Descent.Autodiff;

/// <summary>An element-wise binary operation in its four span/scalar forms, so broadcasting loops can call
/// <see cref="TensorPrimitives"/> once per contiguous run instead of once per element.</summary>
internal interface IBinaryKernel
{
    static abstract float Apply(float x, float y);

    static abstract void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);

    static abstract void Apply(ReadOnlySpan<float> x, float y, Span<float> destination);

    static abstract void Apply(float x, ReadOnlySpan<float> y, Span<float> destination);
}

/// <summary>x + y.</summary>
internal readonly struct AddKernel : IBinaryKernel
{
    public static float Apply(float x, float y) => x + y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Add(y, x, destination);
}

/// <summary>x − y.</summary>
internal readonly struct SubtractKernel : IBinaryKernel
{
    public static float Apply(float x, float y) => x - y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);
}

/// <summary>x · y.</summary>
internal readonly struct MultiplyKernel : IBinaryKernel
{
    public static float Apply(float x, float y) => x * y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Multiply(y, x, destination);
}

/// <summary>x / y.</summary>
internal readonly struct DivideKernel : IBinaryKernel
{
    public static float Apply(float x, float y) => x / y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);
}
