using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = √x; dx = g / (2y).</summary>
internal sealed class SqrtOp : Node
{
    private SqrtOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "SqrtBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Sqrt(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new SqrtOp(x)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var y = output.Span;
        var buffer = ArrayPoolBuffer.Rent(y.Length);
        var gx = buffer.AsSpan(0, y.Length);
        TensorPrimitives.Divide(gradOutput, y, gx);
        TensorPrimitives.Multiply(gx, 0.5f, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
