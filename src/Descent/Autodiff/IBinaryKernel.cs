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
