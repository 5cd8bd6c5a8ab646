using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>Softmax along an axis, stabilized by subtracting the maximum: y = e^(x − max) / Σ e^(x − max);
/// dx = y ⊙ (g − Σ g⊙y) along the axis.</summary>
internal readonly struct SoftmaxOp : IRowOperator
{
    public static string Name => "Softmax";

    /// <summary>Softmax of one contiguous row.</summary>
    public static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length == 0)
        {
            return;
        }

        var (_, sum) = ShiftedExp(x, y);
        TensorPrimitives.Divide(y, sum, y);
    }

    /// <summary>y = e^(x − max x) for a non-empty row; returns the maximum and Σ y (the stabilized exponentials
    /// that softmax and log-softmax start from).</summary>
    internal static (float Max, float Sum) ShiftedExp(ReadOnlySpan<float> x, Span<float> y)
    {
        var max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        return (max, TensorPrimitives.Sum(y));
    }

    public static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        var dot = TensorPrimitives.Dot(g, y);
        TensorPrimitives.Subtract(g, dot, gx);
        TensorPrimitives.Multiply(gx, y, gx);
    }
}
