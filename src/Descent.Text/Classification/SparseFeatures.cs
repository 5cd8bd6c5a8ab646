namespace Descent.Text.Classification;

/// <summary>A sparse feature vector: strictly increasing feature indices and their values.</summary>
public sealed class SparseFeatures
{
    /// <summary>Creates the vector (the arrays are kept, not copied).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or the indices are negative or not strictly increasing.</exception>
    public SparseFeatures(int[] indices, float[] values)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != values.Length)
        {
            throw new ArgumentException($"{indices.Length} indices but {values.Length} values", nameof(values));
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || (i > 0 && indices[i] <= indices[i - 1]))
            {
                throw new ArgumentException($"indices must be non-negative and strictly increasing; index {i} is {indices[i]}", nameof(indices));
            }
        }

        Indices = indices;
        Values = values;
    }

    /// <summary>The feature indices, strictly increasing.</summary>
    public int[] Indices { get; }

    /// <summary>The values, one per index.</summary>
    public float[] Values { get; }

    /// <summary>Number of stored (non-zero) entries.</summary>
    public int Count => Indices.Length;

    /// <summary>Writes the vector into a zeroed dense row.</summary>
    public void ScatterTo(Span<float> dense)
    {
        for (var i = 0; i < Indices.Length; i++)
        {
            dense[Indices[i]] = Values[i];
        }
    }

    /// <summary>Dot product with a dense vector, accumulated in double.</summary>
    public double Dot(ReadOnlySpan<float> dense)
    {
        var sum = 0.0;
        for (var i = 0; i < Indices.Length; i++)
        {
            sum += (double)Values[i] * dense[Indices[i]];
        }

        return sum;
    }
}
