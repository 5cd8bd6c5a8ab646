using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = 1 / (1 + e⁻ˣ); dx = g · y · (1 − y).</summary>
internal sealed class SigmoidOp : Node
{
    private SigmoidOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "SigmoidBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Sigmoid(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new SigmoidOp(x)) : y;
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
        TensorPrimitives.Subtract(1f, y, gx);
        TensorPrimitives.Multiply(gx, y, gx);
        TensorPrimitives.Multiply(gx, gradOutput, gx);
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
