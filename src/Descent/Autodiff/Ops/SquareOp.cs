using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = x²; dx = 2x · g.</summary>
internal sealed class SquareOp : Node
{
    private SquareOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "SquareBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Multiply(x.Span, x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new SquareOp(x)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var x = input.Span;
        var buffer = ArrayPoolBuffer.Rent(input.Length);
        var gx = buffer.AsSpan(0, input.Length);
        TensorPrimitives.Multiply(x, gradOutput, gx);
        TensorPrimitives.Multiply(gx, 2f, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
