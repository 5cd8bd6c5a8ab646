using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a / b with broadcasting; da = reduce(g / b), db = reduce(−(g / b) · y).</summary>
internal readonly struct DivOp : IBinaryOperator
{
    public static string Name => "Div";

    public static float Apply(float x, float y) => x / y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Divide(x, y, destination);

    public static void Backward(Tensor a, Tensor b, Tensor output, ReadOnlySpan<float> g)
    {
        var shape = output.Shape;
        var buffer = ArrayPoolBuffer.Rent(g.Length);
        var t = buffer.AsSpan(0, g.Length);
        Broadcasting.Binary<DivOp>(g, shape, b.Span, b.Shape, t, shape);
        if (a.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(a, t, shape);
        }

        if (b.RequiresGrad)
        {
            TensorPrimitives.Multiply(t, output.Span, t);
            TensorPrimitives.Negate(t, t);
            Broadcasting.AccumulateReduced(b, t, shape);
        }

        ArrayPoolBuffer.Return(buffer);
    }
}
