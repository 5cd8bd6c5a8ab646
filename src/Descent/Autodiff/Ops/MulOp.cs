namespace Descent.Autodiff.Ops;

/// <summary>y = a · b with broadcasting; da = reduce(g · b), db = reduce(g · a).</summary>
internal sealed class MulOp : Node
{
    private MulOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => "MulBackward";

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.Shape(a.Shape, b.Shape, "Mul");
        var y = Tensor.Output(shape);
        Broadcasting.Binary<MultiplyKernel>(a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new MulOp(a, b)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        var shape = output.Shape;
        var buffer = ArrayPoolBuffer.Rent(gradOutput.Length);
        var t = buffer.AsSpan(0, gradOutput.Length);
        if (a.RequiresGrad)
        {
            Broadcasting.Binary<MultiplyKernel>(gradOutput, shape, b.Span, b.Shape, t, shape);
            Broadcasting.AccumulateReduced(a, t, shape);
        }

        if (b.RequiresGrad)
        {
            Broadcasting.Binary<MultiplyKernel>(gradOutput, shape, a.Span, a.Shape, t, shape);
            Broadcasting.AccumulateReduced(b, t, shape);
        }

        ArrayPoolBuffer.Return(buffer);
    }
}
