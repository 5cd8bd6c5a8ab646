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
        var y = new Tensor(x.Shape);
        var (outer, len, inner) = SumOp.Split(x.Shape, ax);
        var src = x.Span;
        var dst = y.Span;
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                Row(src.Slice(o * len, len), dst.Slice(o * len, len));
            }
        }
        else
        {
            var buffer = ArrayPoolBuffer.Rent(2 * len);
            var xs = buffer.AsSpan(0, len);
            var ys = buffer.AsSpan(len, len);
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var start = (o * len * inner) + i;
                    Strided.Gather(src, start, inner, xs);
                    Row(xs, ys);
                    Strided.Scatter(ys, dst, start, inner);
                }
            }

            ArrayPoolBuffer.Return(buffer);
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
        var (outer, len, inner) = SumOp.Split(x.Shape, axis);
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                BackwardRow(y.Slice(o * len, len), gradOutput.Slice(o * len, len), gx.Slice(o * len, len));
            }
        }
        else
        {
            var scratch = ArrayPoolBuffer.Rent(3 * len);
            var ys = scratch.AsSpan(0, len);
            var gs = scratch.AsSpan(len, len);
            var rs = scratch.AsSpan(2 * len, len);
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var start = (o * len * inner) + i;
                    Strided.Gather(y, start, inner, ys);
                    Strided.Gather(gradOutput, start, inner, gs);
                    BackwardRow(ys, gs, rs);
                    Strided.Scatter(rs, gx, start, inner);
                }
            }

            ArrayPoolBuffer.Return(scratch);
        }

        x.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
