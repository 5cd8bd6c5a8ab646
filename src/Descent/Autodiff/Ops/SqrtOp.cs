using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = √x; dx = g / (2y).</summary>
internal readonly struct SqrtOp : IUnaryOperator
{
    public static string Name => "Sqrt";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        TensorPrimitives.Divide(g, y, gx);
        TensorPrimitives.Multiply(gx, 0.5f, gx);
    }
}
