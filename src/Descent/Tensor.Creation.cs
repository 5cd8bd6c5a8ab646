namespace Descent;

public partial class Tensor
{
    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => new(shape);

    /// <summary>A tensor filled with ones.</summary>
    public static Tensor Ones(params ReadOnlySpan<int> shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params ReadOnlySpan<int> shape)
    {
        var t = new Tensor(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(float value)
    {
        var t = new Tensor(ReadOnlySpan<int>.Empty);
        t.Span[0] = value;
        return t;
    }

    /// <summary>A tensor over a copy of <paramref name="values"/> with the given shape (1-D when no shape is given).</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params ReadOnlySpan<int> shape)
    {
        int[] s = shape.Length == 0 ? [values.Length] : shape.ToArray();
        var n = ShapeUtil.Count(s);
        if (n != values.Length)
        {
            throw new ArgumentException(
                $"{values.Length} values cannot fill shape {ShapeUtil.Format(s)} ({n} elements)", nameof(values));
        }

        var t = new Tensor(s);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = values.GetLength(0);
        var cols = values.GetLength(1);
        var t = new Tensor(rows, cols);
        var span = t.Span;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                span[(i * cols) + j] = values[i, j];
            }
        }

        return t;
    }

    /// <summary>Samples from N(<paramref name="mean"/>, <paramref name="std"/>²) with the given generator.</summary>
    public static Tensor Normal(Rng rng, float mean, float std, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(std >= 0) || float.IsInfinity(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "std must be finite and >= 0");
        }

        var t = new Tensor(shape);
        var span = t.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)(mean + (std * rng.NextNormal()));
        }

        return t;
    }

    /// <summary>Samples uniformly from [<paramref name="low"/>, <paramref name="high"/>) with the given generator.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(high >= low) || float.IsInfinity(low) || float.IsInfinity(high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"need finite low <= high, got [{low}, {high})");
        }

        var t = new Tensor(shape);
        var span = t.Span;
        var width = (double)high - low;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)(low + (width * rng.NextDouble()));
        }

        return t;
    }
}
