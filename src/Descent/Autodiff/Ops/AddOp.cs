using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a + b with broadcasting; da = reduce(g), db = reduce(g), each summed back to its operand's shape.</summary>
internal readonly struct AddOp : IBinaryOperator
{
    public static string Name => "Add";

    public static float Apply(float x, float y) => x + y;

    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(ReadOnlySpan<float> x, float y, Span<float> destination) => TensorPrimitives.Add(x, y, destination);

    public static void Apply(float x, ReadOnlySpan<float> y, Span<float> destination) => TensorPrimitives.Add(y, x, destination);

    public static void Backward(Tensor a, Tensor b, Tensor output, ReadOnlySpan<float> g)
    {
        if (a.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(a, g, output.Shape);
        }

        if (b.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(b, g, output.Shape);
        }
    }
}
