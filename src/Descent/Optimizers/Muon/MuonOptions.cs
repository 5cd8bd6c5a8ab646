namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Muon"/>, with <c>torch.optim.Muon</c>'s defaults: lr 1e-3, weight decay 0.1,
/// momentum 0.95, Nesterov on, Newton–Schulz coefficients (a, b, c) = (3.4445, −4.7750, 2.0315), eps 1e-7,
/// 5 Newton–Schulz steps, learning-rate adjustment <see cref="MuonLearningRateAdjustment.Original"/>, bfloat16
/// Newton–Schulz arithmetic. <see cref="AdamWLearningRate"/>, <see cref="AdamWWeightDecay"/> and <see cref="AdamWHead"/> are not Muon's:
/// they configure the AdamW that takes the parameters Muon cannot (see <see cref="Muon.Create"/>).
/// </summary>
public sealed record MuonOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public MuonOptions() => LearningRate = 1e-3;

    /// <summary>Decoupled weight decay λ: the parameter is multiplied by 1 − lr·λ each step, with the learning rate
    /// before its shape adjustment (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); } = 0.1;

    /// <summary>Momentum μ of the buffer <c>b = lerp(b, g, 1 − μ)</c> (PyTorch: <c>momentum</c>); finite, ≥ 0.</summary>
    [Hyperparameter("momentum")]
    public double Momentum { get; init => field = Require.NonNegative(value, nameof(Momentum)); } = 0.95;

    /// <summary>Orthogonalize <c>lerp(g, b, μ)</c> instead of the buffer b (PyTorch: <c>nesterov</c>).</summary>
    [Hyperparameter("nesterov")]
    public bool Nesterov { get; init; } = true;

    /// <summary>Coefficient a of the quintic Newton–Schulz step X ← a·X + (b·G + c·G²)·X, G = X·Xᵀ (PyTorch:
    /// <c>ns_coefficients[0]</c>); finite.</summary>
    [Hyperparameter("ns_coefficients1", Tuple = "ns_coefficients")]
    public double NewtonSchulzA { get; init => field = Require.Finite(value, nameof(NewtonSchulzA)); } = 3.4445;

    /// <summary>Coefficient b (PyTorch: <c>ns_coefficients[1]</c>); finite.</summary>
    [Hyperparameter("ns_coefficients2", Tuple = "ns_coefficients")]
    public double NewtonSchulzB { get; init => field = Require.Finite(value, nameof(NewtonSchulzB)); } = -4.7750;

    /// <summary>Coefficient c (PyTorch: <c>ns_coefficients[2]</c>); finite.</summary>
    [Hyperparameter("ns_coefficients3", Tuple = "ns_coefficients")]
    public double NewtonSchulzC { get; init => field = Require.Finite(value, nameof(NewtonSchulzC)); } = 2.0315;

    /// <summary>Lower bound of the Frobenius norm the update is divided by before the iteration: X / max(‖X‖, eps),
    /// a clamp, not "+ eps" (PyTorch: <c>eps</c>); finite and &gt; 0.</summary>
    [Hyperparameter("eps")]
    public double Epsilon { get; init => field = Require.Positive(value, nameof(Epsilon)); } = 1e-7;

    /// <summary>Number of Newton–Schulz steps (PyTorch: <c>ns_steps</c>, which raises at 100 or more); in [1, 99].</summary>
    [Hyperparameter("ns_steps")]
    public int NewtonSchulzSteps { get; init => field = Require.InRange(value, 1, 99, nameof(NewtonSchulzSteps)); } = 5;

    /// <summary>The learning-rate adjustment by shape (PyTorch: <c>adjust_lr_fn</c>; None is
    /// <see cref="MuonLearningRateAdjustment.Original"/>).</summary>
    [Hyperparameter("adjust_lr_fn")]
    public MuonLearningRateAdjustment LearningRateAdjustment
    {
        get;
        init => field = Require.Defined(value, nameof(LearningRateAdjustment));
    }

    /// <summary>The Newton–Schulz arithmetic: bfloat16 rounding as PyTorch (default) or float32 (spec key
    /// <c>ns_dtype</c>; not a PyTorch argument).</summary>
    [Hyperparameter("ns_dtype")]
    public NewtonSchulzPrecision Precision
    {
        get;
        init => field = Require.Defined(value, nameof(Precision));
    }

    /// <summary>Learning rate of the AdamW that takes the parameters that are not 2-D when Muon is created by name
    /// (<see cref="Muon.Create"/>: registry, CLI, lab specs); AdamW's default 1e-3; finite, ≥ 0. Not used by
    /// <see cref="Muon"/> itself.</summary>
    [Hyperparameter("adamw_lr")]
    public double AdamWLearningRate { get; init => field = Require.NonNegative(value, nameof(AdamWLearningRate)); } = 1e-3;

    /// <summary>Decoupled weight decay of that AdamW; AdamW's default 0.01; finite, ≥ 0. Not used by
    /// <see cref="Muon"/> itself.</summary>
    [Hyperparameter("adamw_weight_decay")]
    public double AdamWWeightDecay { get; init => field = Require.NonNegative(value, nameof(AdamWWeightDecay)); } = 0.01;

    /// <summary>Also give the head — the last 2-D parameter in the order given, the output layer of a
    /// <see cref="Nn.Sequential"/> — to that AdamW when Muon is created by name (<see cref="Muon.Create"/>), as the
    /// standard recipe does; default false. Not used by <see cref="Muon"/> itself.</summary>
    [Hyperparameter("adamw_head")]
    public bool AdamWHead { get; init; }

    /// <summary>The learning rate applied to the orthogonalized update of a <paramref name="rows"/>×<paramref name="cols"/>
    /// matrix, in double as PyTorch's <c>_adjust_lr</c>: <see cref="OptimizerOptions.LearningRate"/> times
    /// √max(1, rows/cols) (<see cref="MuonLearningRateAdjustment.Original"/>) or 0.2·√max(rows, cols)
    /// (<see cref="MuonLearningRateAdjustment.MatchRmsAdamW"/>).</summary>
    public double AdjustedLearningRate(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        var ratio = LearningRateAdjustment == MuonLearningRateAdjustment.MatchRmsAdamW
            ? 0.2 * Math.Sqrt(Math.Max(rows, cols))
            : Math.Sqrt(Math.Max(1.0, (double)rows / cols));
        return LearningRate * ratio;
    }

    /// <summary>The options of the AdamW that takes the parameters Muon cannot (AdamW's defaults otherwise).</summary>
    public AdamWOptions FallbackOptions() => new() { LearningRate = AdamWLearningRate, WeightDecay = AdamWWeightDecay };
}
