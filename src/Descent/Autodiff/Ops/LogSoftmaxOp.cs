using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Descent.Autodiff.Ops;

/// <summary>Log-softmax along an axis, stabilized: y = (x − max) − ln Σ e^(x − max);
/// dx = g − e^y · Σ g along the axis.</summary>
internal readonly struct LogSoftmaxOp : IRowOperator
{
    public static string Name => "LogSoftmax";

    /// <summary>Log-softmax of one contiguous row (<paramref name="y"/> must not overlap <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0)
        {
            return;
        }

        var (max, sum) = SoftmaxOp.ShiftedExp(x, y);
        var logSum = MathF.Log(sum);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Subtract(y, logSum, y);
    }

    public static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        var sum = TensorPrimitives.Sum(g);
        TensorPrimitives.Exp(y, gx);
        TensorPrimitives.Multiply(gx, sum, gx);
        TensorPrimitives.Subtract(g, gx, gx);
    }
}
