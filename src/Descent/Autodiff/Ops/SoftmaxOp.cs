using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Softmax along an axis, stabilized by subtracting the maximum: y = e^(x − max) / Σ e^(x − max);
/// dx = y ⊙ (g − Σ g⊙y) along the axis.</summary>
internal sealed class SoftmaxOp : Node
{
    private readonly int axis;

    private SoftmaxOp(Tensor x, int axis)
        : base(x)
    {
        this.axis = axis;
    }

    public override string Name => "SoftmaxBackward";

    public static Tensor Forward(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var y = Tensor.Output(x.Shape);
        unsafe
        {
            AxisRows.Map(x.Shape, ax, x.Span, y.Span, &Row);
        }

        return Tape.ShouldRecord(x) ? Tape.Record(y, new SoftmaxOp(x, ax)) : y;
    }

    /// <summary>Softmax of one contiguous row.</summary>
    internal static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0)
        {
            return;
        }

        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        var sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Divide(y, sum, y);
    }

    private static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        var dot = TensorPrimitives.Dot(g, y);
        TensorPrimitives.Subtract(g, dot, gx);
        TensorPrimitives.Multiply(gx, y, gx);
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var buffer = ArrayPoolBuffer.Rent(x.Length);
        var gx = buffer.AsSpan(0, x.Length);
        var y = output.Span;
        unsafe
        {
            AxisRows.Map2(x.Shape, axis, y, gradOutput, gx, &BackwardRow);
        }

        x.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
