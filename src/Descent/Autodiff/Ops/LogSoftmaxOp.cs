using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Descent.Autodiff.Ops;

/// <summary>Log-softmax along an axis, stabilized: y = (x − max) − ln Σ e^(x − max);
/// dx = g − e^y · Σ g along the axis.</summary>
internal sealed class LogSoftmaxOp : Node
{
    private readonly int axis;

    private LogSoftmaxOp(Tensor x, int axis)
        : base(x)
    {
        this.axis = axis;
    }

    public override string Name => "LogSoftmaxBackward";

    public static Tensor Forward(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var y = Tensor.Output(x.Shape);
        unsafe
        {
            AxisRows.Map(x.Shape, ax, x.Span, y.Span, &Row);
        }

        return Tape.ShouldRecord(x) ? Tape.Record(y, new LogSoftmaxOp(x, ax)) : y;
    }

    /// <summary>Log-softmax of one contiguous row (<paramref name="y"/> must not overlap <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0)
        {
            return;
        }

        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        var logSum = MathF.Log(TensorPrimitives.Sum(y));
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Subtract(y, logSum, y);
    }

    private static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        var sum = TensorPrimitives.Sum(g);
        TensorPrimitives.Exp(y, gx);
        TensorPrimitives.Multiply(gx, sum, gx);
        TensorPrimitives.Subtract(g, gx, gx);
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
