using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a − b with broadcasting; da = reduce(g), db = −reduce(g).</summary>
internal readonly struct SubOp : IBinaryOperator
{
    public static string Name => "Sub";

    public static float Apply(float x, float y) => x - y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Subtract(x, y, destination);

    public static void Backward(Tensor a, Tensor b, Tensor output, ReadOnlySpan<float> g)
    {
        if (a.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(a, g, output.Shape);
        }

        if (b.RequiresGrad)
        {
            var buffer = ArrayPoolBuffer.Rent(g.Length);
            var negated = buffer.AsSpan(0, g.Length);
            TensorPrimitives.Negate(g, negated);
            Broadcasting.AccumulateReduced(b, negated, output.Shape);
            ArrayPoolBuffer.Return(buffer);
        }
    }
}
