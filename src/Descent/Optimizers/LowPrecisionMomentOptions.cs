namespace Descent.Optimizers;

/// <summary>
/// Options of the optimizers whose two moment buffers may be stored below float32 (<see cref="Adam"/>,
/// <see cref="AdamW"/>, <see cref="Adam8bit"/>, <see cref="AdamW8bit"/>): the <see cref="StatePrecision"/> of each
/// moment, the size below which a parameter keeps float32 moments, and the stochastic rounding of bfloat16 moments
/// with its seed. The update always runs in float32: each block of a moment is decoded before it and encoded after
/// it, in one fused pass.
/// </summary>
public abstract record LowPrecisionMomentOptions : MomentOptions
{
    /// <summary>Storage of the first moment (default <see cref="StatePrecision.Fp32"/>; the 8-bit optimizers'
    /// default is <see cref="StatePrecision.Int8Blockwise"/>).</summary>
    [Hyperparameter("exp_avg_precision")]
    public StatePrecision ExpAvgPrecision { get; init => field = Require.Defined(value, nameof(ExpAvgPrecision)); }

    /// <summary>Storage of the second moment (default as <see cref="ExpAvgPrecision"/>).</summary>
    [Hyperparameter("exp_avg_sq_precision")]
    public StatePrecision ExpAvgSqPrecision { get; init => field = Require.Defined(value, nameof(ExpAvgSqPrecision)); }

    /// <summary>Parameters with fewer elements keep float32 moments whatever the precisions (bitsandbytes:
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

    /// <summary>Seed of the stochastic rounding (element-wise random bits are a function of seed, step, buffer and
    /// element index, so runs and resumes are reproducible on any thread count).</summary>
    [Hyperparameter("seed")]
    public int Seed { get; init; }

    /// <summary>Whether a parameter of <paramref name="length"/> elements keeps both moments in float32 (by
    /// choice or under <see cref="MinQuantizedSize"/>).</summary>
    internal bool KeepsFp32(int length) =>
        length < MinQuantizedSize || (ExpAvgPrecision == StatePrecision.Fp32 && ExpAvgSqPrecision == StatePrecision.Fp32);

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
