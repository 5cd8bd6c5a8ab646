namespace Descent.Text.Classification;

/// <summary>
/// Per-feature standardization fitted on training features: x' = (x − mean) / √(variance + 1e-6), with the mean and the
/// population variance of each column (as scikit-learn's <c>StandardScaler</c>, which guards zero variance instead of
/// adding 1e-6; a constant column becomes 0).
/// </summary>
public sealed class FeatureStandardizer
{
    private const double Epsilon = 1e-6;
    private readonly float[] mean;
    private readonly float[] scale;

    private FeatureStandardizer(float[] mean, float[] scale)
    {
        this.mean = mean;
        this.scale = scale;
    }

    /// <summary>The fitted column means.</summary>
    public IReadOnlyList<float> Mean => mean;

    /// <summary>The fitted divisors √(variance + 1e-6).</summary>
    public IReadOnlyList<float> Scale => scale;

    /// <summary>Fits the columns of <paramref name="features"/> [rows, columns] (accumulated in double precision).</summary>
    public static FeatureStandardizer Fit(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank != 2 || features.Shape[0] == 0)
        {
            throw new ArgumentException("need features [rows ≥ 1, columns]", nameof(features));
        }

        int rows = features.Shape[0], columns = features.Shape[1];
        var sum = new double[columns];
        var squares = new double[columns];
        var x = features.Span;
        for (var i = 0; i < rows; i++)
        {
            var row = x.Slice(i * columns, columns);
            for (var j = 0; j < columns; j++)
            {
                sum[j] += row[j];
                squares[j] += (double)row[j] * row[j];
            }
        }

        var mean = new float[columns];
        var scale = new float[columns];
        for (var j = 0; j < columns; j++)
        {
            var m = sum[j] / rows;
            mean[j] = (float)m;
            scale[j] = (float)Math.Sqrt(Math.Max(0, (squares[j] / rows) - (m * m)) + Epsilon);
        }

        return new FeatureStandardizer(mean, scale);
    }

    /// <summary>A standardized copy of <paramref name="features"/> [rows, columns].</summary>
    public Tensor Transform(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank != 2 || features.Shape[1] != mean.Length)
        {
            throw new ArgumentException($"need features [rows, {mean.Length}]", nameof(features));
        }

        var result = new Tensor(features.Shape[0], mean.Length);
        var x = features.Span;
        var y = result.Span;
        for (var i = 0; i < x.Length; i++)
        {
            var j = i % mean.Length;
            y[i] = (x[i] - mean[j]) / scale[j];
        }

        return result;
    }
}
