namespace Descent.Autodiff.Ops;

/// <summary>
/// Walks the rows of a tensor along one axis, handing each row to a row kernel as a contiguous span (rows of
/// an inner axis are gathered into scratch and scattered back). Shared by the ops that work row by row along
/// an axis (softmax, log-softmax); function pointers keep the walk allocation-free.
/// </summary>
internal static unsafe class AxisRows
{
    /// <summary>Runs <paramref name="row"/>(x row, y row) for every row of <paramref name="shape"/> along <paramref name="axis"/>.</summary>
    public static void Map(
        ReadOnlySpan<int> shape, int axis, ReadOnlySpan<float> x, Span<float> y,
        delegate*<ReadOnlySpan<float>, Span<float>, void> row)
    {
        var (outer, len, inner) = SumOp.Split(shape, axis);
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                row(x.Slice(o * len, len), y.Slice(o * len, len));
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
                row(xs, ys);
                Strided.Scatter(ys, y, start, inner);
            }
        }

        ArrayPoolBuffer.Return(buffer);
    }

    /// <summary>Runs <paramref name="row"/>(a row, b row, result row) for every row along <paramref name="axis"/>.</summary>
    public static void Map2(
        ReadOnlySpan<int> shape, int axis, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result,
        delegate*<ReadOnlySpan<float>, ReadOnlySpan<float>, Span<float>, void> row)
    {
        var (outer, len, inner) = SumOp.Split(shape, axis);
        if (inner == 1)
        {
            for (var o = 0; o < outer; o++)
            {
                row(a.Slice(o * len, len), b.Slice(o * len, len), result.Slice(o * len, len));
            }

            return;
        }

        var scratch = ArrayPoolBuffer.Rent(3 * len);
        var @as = scratch.AsSpan(0, len);
        var bs = scratch.AsSpan(len, len);
        var rs = scratch.AsSpan(2 * len, len);
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var start = (o * len * inner) + i;
                Strided.Gather(a, start, inner, @as);
                Strided.Gather(b, start, inner, bs);
                row(@as, bs, rs);
                Strided.Scatter(rs, result, start, inner);
            }
        }

        ArrayPoolBuffer.Return(scratch);
    }
}
