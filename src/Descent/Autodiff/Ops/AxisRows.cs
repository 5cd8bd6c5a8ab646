namespace Descent.Autodiff.Ops;

/// <summary>
/// Walks the rows of a tensor along one axis, handing each row to an <see cref="IRowOperator"/>'s kernels as a
/// contiguous span (rows of an inner axis are gathered into scratch and scattered back).
/// </summary>
internal static class AxisRows
{
    /// <summary>Runs <typeparamref name="TOperator"/>'s row kernel (x row → y row) for every row of
    /// <paramref name="shape"/> along <paramref name="axis"/>.</summary>
    public static void Map<TOperator>(ReadOnlySpan<int> shape, int axis, ReadOnlySpan<float> x, Span<float> y)
        where TOperator : IRowOperator
    {
        var (outer, len, inner) = SumOp.Split(shape, axis);
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                TOperator.Row(x.Slice(o * len, len), y.Slice(o * len, len));
            }

            return;
        }

        var buffer = ArrayPoolBuffer.Rent(2 * len);
        var xs = buffer.AsSpan(0, len);
        var ys = buffer.AsSpan(len, len);
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = (o * len * inner) + i;
                Strided.Gather(x, start, inner, xs);
                TOperator.Row(xs, ys);
                Strided.Scatter(ys, y, start, inner);
            }
        }

        ArrayPoolBuffer.Return(buffer);
    }

    /// <summary>Runs <typeparamref name="TOperator"/>'s backward row kernel (y row, g row → gx row) for every row
    /// along <paramref name="axis"/>.</summary>
    public static void MapBackward<TOperator>(
        ReadOnlySpan<int> shape, int axis, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
        where TOperator : IRowOperator
    {
        var (outer, len, inner) = SumOp.Split(shape, axis);
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                TOperator.BackwardRow(y.Slice(o * len, len), g.Slice(o * len, len), gx.Slice(o * len, len));
            }

            return;
        }

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
                Strided.Gather(g, start, inner, gs);
                TOperator.BackwardRow(ys, gs, rs);
                Strided.Scatter(rs, gx, start, inner);
            }
        }

        ArrayPoolBuffer.Return(scratch);
    }
}
