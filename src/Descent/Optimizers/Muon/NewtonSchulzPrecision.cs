namespace Descent.Optimizers;

/// <summary>The arithmetic of <see cref="Muon"/>'s Newton–Schulz iteration (spec key <c>ns_dtype</c>).</summary>
public enum NewtonSchulzPrecision
{
    /// <summary>As PyTorch: the update is cast to bfloat16 once and every operation inside the iteration (the
    /// norm, the division, each matrix product) rounds its float32 result to bfloat16, round to nearest even.
    /// Products accumulate in float32.</summary>
    [Hyperparameter("bfloat16")]
    BFloat16,

    /// <summary>The same algorithm in float32 throughout, without bfloat16 rounding (not a PyTorch path; closer
    /// to exact orthogonalization, same cost here since Descent's GEMM computes in float32 anyway).</summary>
    [Hyperparameter("float32")]
    Float32,
}
