namespace Descent.Optimizers.Kernels;

/// <summary>Argument checks shared by the kernels' entry points.</summary>
internal static class KernelGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals the parameter's length.</summary>
    public static void SameLength(int expected, int actual, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{name} has {actual} elements but the parameter has {expected}", name);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is 0 (an unused buffer) or the parameter's length.</summary>
    public static void SameLengthOrEmpty(int expected, int actual, string name)
    {
        if (actual != 0)
        {
            SameLength(expected, actual, name);
        }
    }

    /// <summary>Throws when two buffers overlap without being the same elements.</summary>
    public static void IdenticalOrDisjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, string xName, string yName)
    {
        if (x.Overlaps(y, out var offset) && offset != 0)
        {
            throw new ArgumentException($"{xName} and {yName} overlap at an offset of {offset} elements; buffers must be identical or disjoint");
        }
    }
}
