namespace Descent.Autodiff.Ops;

/// <summary>y = a + b with broadcasting; da = reduce(g), db = reduce(g), each summed back to its operand's shape.</summary>
internal sealed class AddOp : Node
{
    private AddOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => "AddBackward";

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.Shape(a.Shape, b.Shape, "Add");
        var y = Tensor.Output(shape);
        Broadcasting.Binary<AddKernel>(a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new AddOp(a, b)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var a = Inputs[0];
        var b = Inputs[1];
        if (a.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(a, gradOutput, output.Shape);
        }

        if (b.RequiresGrad)
        {
            Broadcasting.AccumulateReduced(b, gradOutput, output.Shape);
        }
    }
}
