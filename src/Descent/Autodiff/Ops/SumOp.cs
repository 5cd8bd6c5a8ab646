using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Sum or mean over all elements or along one axis; the gradient is broadcast back (divided by the
/// count for the mean).</summary>
internal sealed class SumOp : Node
{
    private readonly int axis;
    private readonly bool mean;

    private SumOp(Tensor x, int axis, bool mean)
        : base(x)
    {
        this.axis = axis;
        this.mean = mean;
    }

    public override string Name => mean ? "MeanBackward" : "SumBackward";

    /// <summary>Reduces all elements to a 0-D tensor.</summary>
    public static Tensor ForwardAll(Tensor x, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        var s = TensorPrimitives.Sum(x.Span);
        var y = Tensor.Output([]);
        y.Span[0] = mean ? s / x.Length : s;
        return Tape.ShouldRecord(x) ? Tape.Record(y, new SumOp(x, -1, mean)) : y;
    }

    /// <summary>Reduces along <paramref name="axis"/> (negative counts from the end).</summary>
    public static Tensor ForwardAxis(Tensor x, int axis, bool keepDim, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        var rank = x.Rank;
        var ax = ShapeUtil.NormalizeAxis(axis, rank);
        var (outer, len, inner) = Split(x.Shape, ax);
        var shape = new int[keepDim ? rank : rank - 1];
        for (int i = 0, j = 0; i < rank; i++)
        {
            if (i == ax)
            {
                if (keepDim)
                {
                    shape[j++] = 1;
                }
            }
            else
            {
                shape[j++] = x.Shape[i];
            }
        }

        var y = Tensor.Output(shape);
        var src = x.Span;
        var dst = y.Span;
        if (inner != 1)
        {
            dst.Clear();
        }

        for (var o = 0; o < outer; o++)
        {
            var row = src.Slice(o * len * inner, len * inner);
            if (inner == 1)
            {
                dst[o] = TensorPrimitives.Sum(row);
            }
            else
            {
                var d = dst.Slice(o * inner, inner);
                for (var j = 0; j < len; j++)
                {
                    TensorPrimitives.Add(d, row.Slice(j * inner, inner), d);
                }
            }
        }

        if (mean)
        {
            TensorPrimitives.Divide(dst, len, dst);
        }

        return Tape.ShouldRecord(x) ? Tape.Record(y, new SumOp(x, ax, mean)) : y;
    }

    /// <summary>Splits a shape around <paramref name="axis"/> into (outer, axis length, inner) element counts.</summary>
    internal static (int Outer, int Length, int Inner) Split(ReadOnlySpan<int> shape, int axis)
    {
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }

        for (var i = axis + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        return (outer, shape[axis], inner);
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var gx = GradientScratch.For(x);
        if (output.Rank == 0 && axis < 0)
        {
            var g = gradOutput[0];
            gx.Span.Fill(mean ? g / x.Length : g);
        }
        else
        {
            var (outer, len, inner) = Split(x.Shape, axis);
            for (var o = 0; o < outer; o++)
            {
                var go = gradOutput.Slice(o * inner, inner);
                var row = gx.Span.Slice(o * len * inner, len * inner);
                if (inner == 1)
                {
                    row.Fill(mean ? go[0] / len : go[0]);
                }
                else
                {
                    for (var j = 0; j < len; j++)
                    {
                        var d = row.Slice(j * inner, inner);
                        if (mean)
                        {
                            TensorPrimitives.Divide(go, len, d);
                        }
                        else
                        {
                            go.CopyTo(d);
                        }
                    }
                }
            }
        }

        gx.AccumulateInto(x);
    }
}
