namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adam8bit"/> and <see cref="AdamW8bit"/> (bitsandbytes' <c>Adam8bit</c> /
/// <c>AdamW8bit</c>): β₁, β₂, ε, weight decay (always decoupled), which bitsandbytes implementation to reproduce,
/// the storage precision of each moment, the size below which a parameter keeps float32 moments, and the
/// stochastic-rounding options with their seed.
/// </summary>
public abstract record Adam8bitFamilyOptions : MomentOptions
{
    /// <summary>Decoupled weight decay (PyTorch: <c>weight_decay</c>): p·(1 − lr·wd), applied only when wd &gt; 0,
    /// before (<see cref="BnbConvention.Cpu"/>) or after (<see cref="BnbConvention.Cuda"/>) the Adam step;
    /// finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Which bitsandbytes implementation to reproduce: its CUDA kernels (default) or its CPU backend.</summary>
    [Hyperparameter("convention")]
    public BnbConvention Convention { get; init => field = Require.Defined(value, nameof(Convention)); }

    /// <summary>Storage of the first moment (default <see cref="StatePrecision.Int8Blockwise"/>).</summary>
    [Hyperparameter("exp_avg_precision")]
    public StatePrecision ExpAvgPrecision { get; init => field = Require.Defined(value, nameof(ExpAvgPrecision)); } = StatePrecision.Int8Blockwise;

    /// <summary>Storage of the second moment (default <see cref="StatePrecision.Int8Blockwise"/>).</summary>
    [Hyperparameter("exp_avg_sq_precision")]
    public StatePrecision ExpAvgSqPrecision { get; init => field = Require.Defined(value, nameof(ExpAvgSqPrecision)); } = StatePrecision.Int8Blockwise;

    /// <summary>Parameters with fewer elements keep float32 moments and take the 32-bit update (bitsandbytes:
    /// <c>min_8bit_size</c>, default 4096); ≥ 0.</summary>
    [Hyperparameter("min_8bit_size")]
    public int MinQuantizedSize
    {
        get;
        init => field = Require.AtLeast(value, 0, nameof(MinQuantizedSize));
    } = 4096;

    /// <summary>Round bfloat16 moments stochastically (unbiased) instead of to nearest even; needs a
    /// <see cref="StatePrecision.Bf16"/> moment.</summary>
    [Hyperparameter("stochastic_rounding")]
    public bool StochasticRounding { get; init; }

    /// <summary>Keep the parameters bfloat16-valued: after each update every parameter value is rounded to
    /// bfloat16 stochastically (as torchao's bf16 AdamW does for bf16 weights). The storage stays float32.</summary>
    [Hyperparameter("bf16_params")]
    public bool Bf16Parameters { get; init; }

    /// <summary>Seed of the stochastic rounding (element-wise random bits are a function of seed, step, buffer and
    /// element index, so runs and resumes are reproducible on any thread count).</summary>
    [Hyperparameter("seed")]
    public int Seed { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (StochasticRounding && ExpAvgPrecision != StatePrecision.Bf16 && ExpAvgSqPrecision != StatePrecision.Bf16)
        {
            throw new ArgumentException(
                $"{nameof(StochasticRounding)} applies to bf16 moments, but {nameof(ExpAvgPrecision)} is {ExpAvgPrecision} and " +
                $"{nameof(ExpAvgSqPrecision)} is {ExpAvgSqPrecision}; set one of them to {StatePrecision.Bf16}");
        }
    }
}
