using Descent.Autodiff;

namespace Descent.Tests.Autodiff;

/// <summary>y = x² with a backward scaled by a planted factor, to prove that the gradient check can fail.</summary>
internal sealed class WrongSquareOp : Node
{
    private readonly float factor;

    private WrongSquareOp(Tensor x, float factor)
        : base(x)
    {
        this.factor = factor;
    }

    public override string Name => "WrongSquareBackward";

    public static Tensor Forward(Tensor x, float factor)
    {
        var y = new Tensor(x.Shape);
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * x[i];
        }

        return Tape.ShouldRecord(x) ? Tape.Record(y, new WrongSquareOp(x, factor)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var g = new float[x.Length];
        for (var i = 0; i < g.Length; i++)
        {
            g[i] = factor * 2f * x[i] * gradOutput[i];
        }

        x.AccumulateGrad(g);
    }
}
