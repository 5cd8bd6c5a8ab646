using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = eˣ; dx = y · g.</summary>
internal sealed class ExpOp : Node
{
    private ExpOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "ExpBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Exp(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new ExpOp(x)) : y;
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
        TensorPrimitives.Multiply(y, gradOutput, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
