using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = −x; dx = −g.</summary>
internal sealed class NegOp : Node
{
    private NegOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "NegBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Negate(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new NegOp(x)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var buffer = ArrayPoolBuffer.Rent(input.Length);
        var gx = buffer.AsSpan(0, input.Length);
        TensorPrimitives.Negate(gradOutput, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
