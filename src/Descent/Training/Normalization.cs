namespace Descent.Training;

/// <summary>
/// Feature normalization x ↦ (x − mean) / std, with one mean and std for all values or one per channel
/// (the first sample dimension, e.g. C of [C, H, W]).
/// </summary>
public sealed class Normalization
{
    private readonly float[] mean;
    private readonly float[] std;

    /// <summary>Creates a normalization; <paramref name="mean"/> and <paramref name="std"/> have one value
    /// (global) or one per channel. Every std must be positive and finite.</summary>
    public Normalization(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} values and std {std.Length}; they need the same non-zero count", nameof(std));
        }

        foreach (var s in std)
        {
            if (!(s > 0) || float.IsInfinity(s))
            {
                throw new ArgumentOutOfRangeException(nameof(std), s, "every std must be positive and finite");
            }
        }

        this.mean = mean.ToArray();
        this.std = std.ToArray();
    }

    /// <summary>The means (one, or one per channel).</summary>
    public IReadOnlyList<float> Mean => mean;

    /// <summary>The standard deviations.</summary>
    public IReadOnlyList<float> Std => std;

    /// <summary>
    /// Computes the mean and population standard deviation (in double precision) of
    /// <paramref name="dataset"/>'s features, over everything or per channel. A constant feature gets
    /// std 1 so it maps to 0.
    /// </summary>
    public static Normalization Fit(Dataset dataset, bool perChannel = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var channels = perChannel && dataset.SampleShape.Length > 0 ? dataset.SampleShape[0] : 1;
        var per = dataset.SampleSize / channels;
        var sum = new double[channels];
        var sumSq = new double[channels];
        var x = dataset.Features.Span;
        for (var n = 0; n < dataset.Count; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var s = x.Slice((n * dataset.SampleSize) + (c * per), per);
                foreach (var v in s)
                {
                    sum[c] += v;
                }
            }
        }

        var count = Math.Max(1.0, (double)dataset.Count * per);
        var m = sum.Select(v => v / count).ToArray();
        for (var n = 0; n < dataset.Count; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var s = x.Slice((n * dataset.SampleSize) + (c * per), per);
                foreach (var v in s)
                {
                    var d = v - m[c];
                    sumSq[c] += d * d;
                }
            }
        }

        var sd = sumSq.Select(v => Math.Sqrt(v / count)).Select(v => v > 1e-12 ? (float)v : 1f).ToArray();
        return new Normalization(m.Select(v => (float)v).ToArray(), sd);
    }

    /// <summary>Normalizes <paramref name="count"/> consecutive samples of <paramref name="sampleSize"/> values in place.</summary>
    public void Apply(Span<float> values, int count, int sampleSize)
    {
        if ((long)count * sampleSize != values.Length || sampleSize % mean.Length != 0)
        {
            throw new ArgumentException($"{values.Length} values are not {count} samples of {sampleSize} with {mean.Length} channel(s)", nameof(values));
        }

        var per = sampleSize / mean.Length;
        for (var n = 0; n < count; n++)
        {
            for (var c = 0; c < mean.Length; c++)
            {
                var s = values.Slice((n * sampleSize) + (c * per), per);
                var mu = mean[c];
                var sd = std[c];
                for (var i = 0; i < s.Length; i++)
                {
                    s[i] = (s[i] - mu) / sd;
                }
            }
        }
    }
}
