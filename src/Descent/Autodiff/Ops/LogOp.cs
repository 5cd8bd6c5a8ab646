using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = ln x; dx = g / x.</summary>
internal readonly struct LogOp : IUnaryOperator
{
    public static string Name => "Log";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
        TensorPrimitives.Divide(g, x, gx);
}
