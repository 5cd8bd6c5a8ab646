using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a / b with broadcasting; da = reduce(g / b), db = reduce(−(g / b) · y).</summary>
internal sealed class DivOp : Node
{
    private DivOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => "DivBackward";

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.Shape(a.Shape, b.Shape, "Div");
        var y = Tensor.Output(shape);
        Broadcasting.Binary<DivideKernel>(a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new DivOp(a, b)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        var shape = output.Shape;
        var buffer = ArrayPoolBuffer.Rent(gradOutput.Length);
        var t = buffer.AsSpan(0, gradOutput.Length);
        Broadcasting.Binary<DivideKernel>(gradOutput, shape, b.Span, b.Shape, t, shape);
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
