using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = 1 / (1 + e⁻ˣ); dx = g · y · (1 − y).</summary>
internal readonly struct SigmoidOp : IUnaryOperator
{
    public static string Name => "Sigmoid";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        TensorPrimitives.Subtract(1f, y, gx);
        TensorPrimitives.Multiply(gx, y, gx);
        TensorPrimitives.Multiply(gx, g, gx);
    }
}
