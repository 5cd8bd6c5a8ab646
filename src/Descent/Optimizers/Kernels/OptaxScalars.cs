namespace Descent.Optimizers.Kernels;

/// <summary>Per-step scalars computed the way Optax computes them in float32 (Python constants are rounded to
/// float32 after being combined in double, e.g. <c>(1 − b1)</c>; bias corrections are float32 powers).</summary>
internal static class OptaxScalars
{
    /// <summary><c>1 − βᵗ</c> in float32, as <c>optax.tree.bias_correction</c>.</summary>
    public static float BiasCorrection(double beta, long step) => 1f - MathF.Pow((float)beta, step);

    /// <summary><c>(1 − β)</c> evaluated in double, then rounded to float32 (a Python-scalar expression).</summary>
    public static float OneMinus(double beta) => (float)(1 - beta);
}
