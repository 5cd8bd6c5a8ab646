using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a · b with broadcasting; da = reduce(g · b), db = reduce(g · a).</summary>
internal readonly struct MulOp : IBinaryOperator
{
    public static string Name => "Mul";

    public static float Apply(float x, float y) => x * y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Multiply(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Multiply(y, x, destination);

    public static void Backward(Tensor a, Tensor b, Tensor output, ReadOnlySpan<float> g)
    {
        var shape = output.Shape;
        var buffer = ArrayPoolBuffer.Rent(g.Length);
        var t = buffer.AsSpan(0, g.Length);
        if (a.RequiresGrad)
        {
            Broadcasting.Binary<MulOp>(g, shape, b.Span, b.Shape, t, shape);
            Broadcasting.AccumulateReduced(a, t, shape);
        }

        if (b.RequiresGrad)
        {
            Broadcasting.Binary<MulOp>(g, shape, a.Span, a.Shape, t, shape);
            Broadcasting.AccumulateReduced(b, t, shape);
        }

        ArrayPoolBuffer.Return(buffer);
    }
}
