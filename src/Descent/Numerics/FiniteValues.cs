namespace Descent.Numerics;

/// <summary>Finds the first NaN or infinity in a run of values (the check that a loaded weight or a trained
/// parameter is usable).</summary>
internal static class FiniteValues
{
    /// <summary>The index of the first non-finite value in <paramref name="values"/>, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
