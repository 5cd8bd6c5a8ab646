using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// PyTorch's vectorized <c>lerp(start, end, w)</c> for a scalar weight: <c>fma(w, end − start, start)</c> when
/// |w| &lt; 0.5, else <c>fma(w − 1, end − start, end)</c> (the form that is exact at w = 1).
/// </summary>
internal static class Lerp
{
    /// <summary>Scalar form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(float start, float end, float weight)
    {
        var diff = end - start;
        return MathF.Abs(weight) < 0.5f
            ? MathF.FusedMultiplyAdd(weight, diff, start)
            : MathF.FusedMultiplyAdd(weight - 1f, diff, end);
    }

    /// <summary>Vector form; <paramref name="small"/> = |w| &lt; 0.5, <paramref name="coefficient"/> =
    /// <see cref="Coefficient"/>(w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Vector<TV>(TV start, TV end, TV coefficient, bool small)
        where TV : struct, IFloatVector<TV> =>
        TV.MulAdd(coefficient, end - start, small ? start : end);

    /// <summary>The multiplier of (end − start): w when |w| &lt; 0.5, else w − 1 (in float, as PyTorch).</summary>
    public static float Coefficient(float weight) => MathF.Abs(weight) < 0.5f ? weight : weight - 1f;
}
