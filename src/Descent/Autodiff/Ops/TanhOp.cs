using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = tanh(x); dy/dx = 1 − y².</summary>
internal sealed class TanhOp : Node
{
    private TanhOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "TanhBackward";

    public static Tensor Forward(Tensor x)
    {
        var y = new Tensor(x.Shape);
        TensorPrimitives.Tanh(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new TanhOp(x)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var y = output.Span;
        var g = ArrayPoolBuffer.Rent(y.Length);
        var gx = g.AsSpan(0, y.Length);
        for (var i = 0; i < gx.Length; i++)
        {
            gx[i] = gradOutput[i] * (1f - (y[i] * y[i]));
        }

        x.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(g);
    }
}
