using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = ln x; dx = g / x.</summary>
internal sealed class LogOp : Node
{
    private LogOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "LogBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Log(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new LogOp(x)) : y;
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
        TensorPrimitives.Divide(gradOutput, x, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
