namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adam8bit"/> and <see cref="AdamW8bit"/> (bitsandbytes' <c>Adam8bit</c> /
/// <c>AdamW8bit</c>): β₁, β₂, ε, the storage precision of each moment, the size below which a parameter keeps
/// float32 moments and the stochastic rounding with its seed (<see cref="LowPrecisionMomentOptions"/>, default
/// 8-bit block-wise), weight decay (always decoupled), which bitsandbytes implementation to reproduce, and bf16
/// parameters.
/// </summary>
public abstract record Adam8bitFamilyOptions : LowPrecisionMomentOptions
{
    /// <summary>Sets both moments to <see cref="StatePrecision.Int8Blockwise"/> (bitsandbytes' storage).</summary>
    private protected Adam8bitFamilyOptions()
    {
        ExpAvgPrecision = StatePrecision.Int8Blockwise;
        ExpAvgSqPrecision = StatePrecision.Int8Blockwise;
    }

    /// <summary>Decoupled weight decay (PyTorch: <c>weight_decay</c>): p·(1 − lr·wd), applied only when wd &gt; 0,
    /// before (<see cref="BnbConvention.Cpu"/>) or after (<see cref="BnbConvention.Cuda"/>) the Adam step;
    /// finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Which bitsandbytes implementation to reproduce: its CUDA kernels (default) or its CPU backend.</summary>
    [Hyperparameter("convention")]
    public BnbConvention Convention { get; init => field = Require.Defined(value, nameof(Convention)); }

    /// <summary>Keep the parameters bfloat16-valued: after each update every parameter value is rounded to
    /// bfloat16 stochastically (as torchao's bf16 AdamW does for bf16 weights). The storage stays float32.</summary>
    [Hyperparameter("bf16_params")]
    public bool Bf16Parameters { get; init; }
}
