using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Fused, numerically stable binary cross-entropy on logits: L = (1/n) Σ max(x, 0) − x·t +
/// log(1 + e^(−|x|)) (evaluated in double); dx = (σ(x) − t) · g / n, dt = −x · g / n.</summary>
internal sealed class BceWithLogitsOp : Node
{
    private BceWithLogitsOp(Tensor logits, Tensor targets)
        : base(logits, targets)
    {
    }

    public override string Name => "BinaryCrossEntropyWithLogitsBackward";

    public static Tensor Forward(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ShapeUtil.CheckSameShape(logits.Shape, targets.Shape, "BceWithLogitsLoss");
        var x = logits.Span;
        var t = targets.Span;
        var total = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            double v = x[i];
            total += Math.Max(v, 0.0) - (v * t[i]) + Math.Log(1.0 + Math.Exp(-Math.Abs(v)));
        }

        var y = Tensor.Output([]);
        y.Span[0] = (float)(total / x.Length);
        return Tape.ShouldRecord(logits, targets) ? Tape.Record(y, new BceWithLogitsOp(logits, targets)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var logits = Inputs[0];
        var targets = Inputs[1];
        var n = logits.Length;
        var scale = gradOutput[0] / n;
        var buffer = ArrayPoolBuffer.Rent(n);
        var g = buffer.AsSpan(0, n);
        if (logits.RequiresGrad)
        {
            TensorPrimitives.Sigmoid(logits.Span, g);
            TensorPrimitives.Subtract(g, targets.Span, g);
            TensorPrimitives.Multiply(g, scale, g);
            logits.AccumulateGrad(g);
        }

        if (targets.RequiresGrad)
        {
            TensorPrimitives.Multiply(logits.Span, -scale, g);
            targets.AccumulateGrad(g);
        }

        ArrayPoolBuffer.Return(buffer);
    }
}
