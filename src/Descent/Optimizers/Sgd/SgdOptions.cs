namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Sgd"/>, with PyTorch's defaults: lr 1e-3, momentum 0, dampening 0,
/// weight decay 0, Nesterov off, maximize off. Nesterov needs momentum &gt; 0 and dampening = 0.
/// </summary>
public sealed record SgdOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public SgdOptions() => LearningRate = 1e-3;

    /// <summary>Momentum factor μ (PyTorch: <c>momentum</c>); finite, ≥ 0; 0 disables the buffer.</summary>
    [Hyperparameter("momentum")]
    public double Momentum { get; init => field = Require.NonNegative(value, nameof(Momentum)); }

    /// <summary>Dampening of the gradient's contribution to the buffer (PyTorch: <c>dampening</c>); in [0, 1].</summary>
    [Hyperparameter("dampening")]
    public double Dampening { get; init => field = Require.UnitClosed(value, nameof(Dampening)); }

    /// <summary>L2 penalty added to the gradient (PyTorch: <c>weight_decay</c>); finite, ≥ 0.</summary>
    [Hyperparameter("weight_decay")]
    public double WeightDecay { get; init => field = Require.NonNegative(value, nameof(WeightDecay)); }

    /// <summary>Nesterov momentum (PyTorch: <c>nesterov</c>).</summary>
    [Hyperparameter("nesterov")]
    public bool Nesterov { get; init; }

    /// <summary>Maximize the objective instead of minimizing it (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }

    /// <summary>The momentum form: PyTorch's <c>b = μb + g; p −= lr·b</c> (default) or the Sutskever / Keras /
    /// scikit-learn velocity <c>v = μv − lr·g; p += v</c> (see <see cref="SgdMomentumConvention"/>).</summary>
    [Hyperparameter("momentum_convention")]
    public SgdMomentumConvention MomentumConvention
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(MomentumConvention), value, $"{nameof(MomentumConvention)} must be one of {string.Join(", ", Enum.GetNames<SgdMomentumConvention>())}, got {value}");
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            throw new ArgumentException(
                $"Nesterov momentum requires Momentum > 0 and Dampening = 0, got Momentum = {Require.Fmt(Momentum)}, " +
                $"Dampening = {Require.Fmt(Dampening)}", nameof(Nesterov));
        }

        if (MomentumConvention == SgdMomentumConvention.Sutskever && Dampening != 0)
        {
            throw new ArgumentException(
                $"the Sutskever momentum form has no dampening; Dampening must be 0, got {Require.Fmt(Dampening)}", nameof(Dampening));
        }
    }
}
