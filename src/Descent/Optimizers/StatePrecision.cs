namespace Descent.Optimizers;

/// <summary>
/// How an optimizer stores one moment buffer (see <see cref="LowPrecisionMomentOptions.ExpAvgPrecision"/>): the update
/// itself always runs in float32; the buffer is decoded before and encoded after each step.
/// </summary>
public enum StatePrecision
{
    /// <summary>float32, 4 bytes per element (exact).</summary>
    [Hyperparameter("fp32")]
    Fp32,

    /// <summary>bfloat16, 2 bytes per element: the upper 16 bits of the float32 value, rounded to nearest even
    /// (or stochastically with <see cref="LowPrecisionMomentOptions.StochasticRounding"/>).</summary>
    [Hyperparameter("bf16")]
    Bf16,

    /// <summary>bitsandbytes' 8-bit block-wise dynamic quantization: one byte per element (an index into
    /// the 256-value dynamic map, signed for the first moment, unsigned for the second) and one float32
    /// absmax per block of 256 elements, ≈ 1.016 bytes per element.</summary>
    [Hyperparameter("int8_blockwise")]
    Int8Blockwise,
}
