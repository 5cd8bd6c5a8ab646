using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = −x; dx = −g.</summary>
internal readonly struct NegOp : IUnaryOperator
{
    public static string Name => "Neg";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Negate(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
        TensorPrimitives.Negate(g, gx);
}
