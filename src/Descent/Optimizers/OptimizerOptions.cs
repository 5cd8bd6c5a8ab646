namespace Descent.Optimizers;

/// <summary>
/// Base of every optimizer's immutable, validated hyperparameters. Each property validates itself when set
/// (also through <c>with</c>), throwing <see cref="ArgumentOutOfRangeException"/> with the name, the value and
/// the valid range; <see cref="Validate"/> checks constraints between properties.
/// </summary>
public abstract record OptimizerOptions
{
    /// <summary>The learning rate (PyTorch: <c>lr</c>); must be finite and ≥ 0.</summary>
    [Hyperparameter("lr")]
    public double LearningRate
    {
        get;
        init => field = Require.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Checks constraints that involve several properties (e.g. Nesterov needs momentum);
    /// called by the optimizer for its defaults and for every parameter group.</summary>
    public virtual void Validate()
    {
    }
}
