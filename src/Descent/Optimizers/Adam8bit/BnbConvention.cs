namespace Descent.Optimizers;

/// <summary>
/// Which of bitsandbytes' two implementations of the 8-bit Adam step <see cref="Adam8bit"/> and
/// <see cref="AdamW8bit"/> reproduce; they differ in weight-decay order, ε placement and the quantizer
/// (bitsandbytes @ 95f9af30: <c>csrc/kernels.cu</c> versus <c>bitsandbytes/backends/cpu/ops.py</c> and
/// <c>csrc/cpu_ops.cpp</c>).
/// </summary>
public enum BnbConvention
{
    /// <summary>The CUDA kernels (<c>kOptimizerStatic8bit2StateBlockwise</c>, <c>kOptimizer32bit2State</c>) evaluated
    /// in IEEE float32 without fused multiply-adds: step size −lr·√(1−β₂ᵗ)/(1−β₁ᵗ), ε·√(1−β₂ᵗ) added to √v, weight
    /// decay after the Adam step, codes = the nearest map value (ties to the even index) with the sign of m kept.</summary>
    [Hyperparameter("cuda")]
    Cuda,

    /// <summary>The CPU backend: moments by fused multiply-adds, ε added after the bias correction (8-bit path),
    /// weight decay before the Adam step, codes by bitsandbytes' 65,536-entry lookup table.</summary>
    [Hyperparameter("cpu")]
    Cpu,
}
