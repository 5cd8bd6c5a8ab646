namespace Descent.Autodiff;

/// <summary>Copies between a strided run of a tensor and a contiguous scratch row (for reductions along a
/// non-innermost axis).</summary>
internal static class Strided
{
    public static void Gather(ReadOnlySpan<float> source, int start, int stride, Span<float> row)
    {
        for (int i = 0, p = start; i < row.Length; i++, p += stride)
        {
            row[i] = source[p];
        }
    }

    public static void Scatter(ReadOnlySpan<float> row, Span<float> destination, int start, int stride)
    {
        for (int i = 0, p = start; i < row.Length; i++, p += stride)
        {
            destination[p] = row[i];
        }
    }
}
