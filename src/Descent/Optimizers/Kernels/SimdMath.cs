using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>Element functions shared by the optimizer kernels, in scalar and vector form with the same IEEE
/// operations in the same order.</summary>
internal static class SimdMath
{
    /// <summary>sign(x) as in numpy/JAX: 1 for x &gt; 0, −1 for x &lt; 0, x itself for ±0 and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : x;

    /// <summary>Vector form of <see cref="Sign(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sign<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        var zero = TV.Create(0f);
        return TV.Select(TV.GreaterThan(x, zero), TV.Create(1f), TV.Select(TV.LessThan(x, zero), TV.Create(-1f), x));
    }
}
