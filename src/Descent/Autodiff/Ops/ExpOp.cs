using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = eˣ; dx = y · g.</summary>
internal readonly struct ExpOp : IUnaryOperator
{
    public static string Name => "Exp";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
        TensorPrimitives.Multiply(y, g, gx);
}
