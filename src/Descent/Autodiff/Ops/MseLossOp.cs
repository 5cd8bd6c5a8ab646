using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Fused mean-squared-error loss: L = Σ(x − t)² (/ n for the mean); dx = g·c·(x − t), dt = −dx with
/// c = 2/n (mean) or 2 (sum), as PyTorch computes it.</summary>
internal sealed class MseLossOp : Node
{
    private readonly bool mean;

    private MseLossOp(Tensor input, Tensor target, bool mean)
        : base(input, target)
    {
        this.mean = mean;
    }

    public override string Name => "MseLossBackward";

    public static Tensor Forward(Tensor input, Tensor target, bool mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ShapeUtil.CheckSameShape(input.Shape, target.Shape, "MseLoss");
        var n = input.Length;
        var buffer = ArrayPoolBuffer.Rent(n);
        var diff = buffer.AsSpan(0, n);
        TensorPrimitives.Subtract(input.Span, target.Span, diff);
        var sum = TensorPrimitives.SumOfSquares(diff);
        ArrayPoolBuffer.Return(buffer);
        var y = Tensor.Output([]);
        y.Span[0] = mean ? sum / n : sum;
        return Tape.ShouldRecord(input, target) ? Tape.Record(y, new MseLossOp(input, target, mean)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        var target = Inputs[1];
        var n = input.Length;
        var scale = (float)(mean ? 2.0 / n : 2.0) * gradOutput[0];
        var buffer = ArrayPoolBuffer.Rent(n);
        var g = buffer.AsSpan(0, n);
        TensorPrimitives.Subtract(input.Span, target.Span, g);
        TensorPrimitives.Multiply(g, scale, g);
        if (input.RequiresGrad)
        {
            input.AccumulateGrad(g);
        }

        if (target.RequiresGrad)
        {
            TensorPrimitives.Negate(g, g);
            target.AccumulateGrad(g);
        }

        ArrayPoolBuffer.Return(buffer);
    }
}
