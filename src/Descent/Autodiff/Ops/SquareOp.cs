using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = x²; dx = 2x · g.</summary>
internal readonly struct SquareOp : IUnaryOperator
{
    public static string Name => "Square";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        TensorPrimitives.Multiply(x, g, gx);
        TensorPrimitives.Multiply(gx, 2f, gx);
    }
}
