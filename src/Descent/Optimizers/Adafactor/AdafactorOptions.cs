namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Adafactor"/>. Defaults are Optax's (<c>optax.adafactor</c>):
/// min_dim_size_to_factor 128, decay_rate 0.8, decay_offset 0, multiply_by_parameter_scale True,
/// clipping_threshold 1, momentum None, weight_decay_rate None, eps 1e-30, factored True. Optax's default
/// learning_rate None leaves the update unscaled, which is <see cref="OptimizerOptions.LearningRate"/> = 1 here
/// (multiplying by 1 is exact).
/// </summary>
public sealed record AdafactorOptions : OptimizerOptions
{
    /// <summary>Creates the default options.</summary>
    public AdafactorOptions() => LearningRate = 1.0;

    /// <summary>Whether tensors of rank ≥ 2 keep factored (row and column) second-moment statistics (Optax
    /// <c>factored</c>).</summary>
    [Hyperparameter("factored")]
    public bool Factored { get; init; } = true;

    /// <summary>Factor only when the second-largest dimension has at least this size (Optax
    /// <c>min_dim_size_to_factor</c>); ≥ 1.</summary>
    [Hyperparameter("min_dim_size_to_factor")]
    public int MinDimSizeToFactor { get; init => field = Require.AtLeast(value, 1, nameof(MinDimSizeToFactor)); } = 128;

    /// <summary>Exponent of the second-moment decay schedule β₂(t) = 1 − t^−decay (Optax <c>decay_rate</c>);
    /// finite and &gt; 0.</summary>
    [Hyperparameter("decay_rate")]
    public double DecayRate { get; init => field = Require.Positive(value, nameof(DecayRate)); } = 0.8;

    /// <summary>Step offset of the decay schedule, for fine-tuning (Optax <c>decay_offset</c>); ≥ 0.</summary>
    [Hyperparameter("decay_offset")]
    public int DecayOffset { get; init => field = Require.AtLeast(value, 0, nameof(DecayOffset)); }

    /// <summary>Scale the update by max(RMS(p), 1e-3) (Optax <c>multiply_by_parameter_scale</c>).</summary>
    [Hyperparameter("multiply_by_parameter_scale")]
    public bool MultiplyByParameterScale { get; init; } = true;

    /// <summary>Divide the scaled gradient u by max(1, RMS(u)/threshold) (Optax <c>clipping_threshold</c>);
    /// null disables it; finite and &gt; 0 when set.</summary>
    [Hyperparameter("clipping_threshold")]
    public double? ClippingThreshold
    {
        get;
        init => field = value is null ? null : Require.Positive(value.Value, nameof(ClippingThreshold));
    } = 1.0;

    /// <summary>Decay of an (undebiased) exponential average of the updates (Optax <c>momentum</c>); null for
    /// none; in [0, 1] when set.</summary>
    [Hyperparameter("momentum")]
    public double? Momentum
    {
        get;
        init => field = value is null ? null : Require.UnitClosed(value.Value, nameof(Momentum));
    }

    /// <summary>Weight decay added to the update after the learning rate, not multiplied by it (Optax
    /// <c>weight_decay_rate</c>); null for none; ≥ 0 when set.</summary>
    [Hyperparameter("weight_decay_rate")]
    public double? WeightDecayRate
    {
        get;
        init => field = value is null ? null : Require.NonNegative(value.Value, nameof(WeightDecayRate));
    }

    /// <summary>Added to g² before averaging (Optax <c>eps</c>); ≥ 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.NonNegative(value, nameof(Epsilon)); } = 1e-30;

    /// <summary>The axes (second-largest, largest) whose statistics are factored for a tensor of
    /// <paramref name="shape"/>, or null when it keeps a full second moment. Ties go to the earlier axis
    /// (numpy's argsort on short arrays).</summary>
    public (int RowAxis, int ColAxis)? FactoredAxes(ReadOnlySpan<int> shape)
    {
        if (!Factored || shape.Length < 2)
        {
            return null;
        }

        var order = new int[shape.Length];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        var dims = shape.ToArray();
        var sorted = order.OrderBy(k => dims[k]).ThenBy(k => k).ToArray();
        var row = sorted[^2];
        var col = sorted[^1];
        return dims[row] < MinDimSizeToFactor ? null : (row, col);
    }
}
