namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="Rprop"/>, with PyTorch's defaults: lr 0.01 (the initial step size),
/// etas (0.5, 1.2), step sizes (1e-6, 50), maximize off.
/// </summary>
public sealed record RpropOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public RpropOptions() => LearningRate = 0.01;

    /// <summary>Factor of the step size after a sign change (PyTorch: <c>etas[0]</c>); in (0, 1).</summary>
    [Hyperparameter("etas1", Tuple = "etas")]
    public double EtaMinus { get; init => field = Require.InOpen(value, 0, 1, nameof(EtaMinus)); } = 0.5;

    /// <summary>Factor of the step size while the sign holds (PyTorch: <c>etas[1]</c>); finite, &gt; 1.</summary>
    [Hyperparameter("etas2", Tuple = "etas")]
    public double EtaPlus { get; init => field = Require.InOpen(value, 1, double.PositiveInfinity, nameof(EtaPlus)); } = 1.2;

    /// <summary>Smallest step size (PyTorch: <c>step_sizes[0]</c>); finite, ≥ 0.</summary>
    [Hyperparameter("step_sizes1", Tuple = "step_sizes")]
    public double StepSizeMin { get; init => field = Require.NonNegative(value, nameof(StepSizeMin)); } = 1e-6;

    /// <summary>Largest step size (PyTorch: <c>step_sizes[1]</c>); finite, ≥ <see cref="StepSizeMin"/>.</summary>
    [Hyperparameter("step_sizes2", Tuple = "step_sizes")]
    public double StepSizeMax { get; init => field = Require.NonNegative(value, nameof(StepSizeMax)); } = 50;

    /// <summary>Maximize the objective (PyTorch: <c>maximize</c>).</summary>
    [Hyperparameter("maximize")]
    public bool Maximize { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        if (StepSizeMax < StepSizeMin)
        {
            throw new ArgumentException(
                $"StepSizeMax must be >= StepSizeMin, got StepSizeMin = {Require.Fmt(StepSizeMin)}, " +
                $"StepSizeMax = {Require.Fmt(StepSizeMax)}", nameof(StepSizeMax));
        }
    }
}
