using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = a − b with broadcasting; da = reduce(g), db = −reduce(g).</summary>
internal sealed class SubOp : Node
{
    private SubOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => "SubBackward";

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.Shape(a.Shape, b.Shape, "Sub");
        var y = Tensor.Output(shape);
        Broadcasting.Binary<SubtractKernel>(a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new SubOp(a, b)) : y;
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
            var buffer = ArrayPoolBuffer.Rent(gradOutput.Length);
            var negated = buffer.AsSpan(0, gradOutput.Length);
            TensorPrimitives.Negate(gradOutput, negated);
            Broadcasting.AccumulateReduced(b, negated, output.Shape);
            ArrayPoolBuffer.Return(buffer);
        }
    }
}
