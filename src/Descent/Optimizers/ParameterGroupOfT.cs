using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>A parameter group with the typed options of one optimizer and the per-parameter states.</summary>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public sealed class ParameterGroup<TOptions> : ParameterGroup
    where TOptions : OptimizerOptions
{
    private TOptions options;

    internal ParameterGroup(IReadOnlyList<Parameter> parameters, TOptions options, string? name)
        : base(parameters, options.LearningRate, name)
    {
        options.Validate();
        this.options = options;
        States = new ParameterState?[parameters.Count];
    }

    /// <summary>The hyperparameters; replace with <c>group.Options = group.Options with { … }</c>.</summary>
    public TOptions Options
    {
        get => options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            options = value;
        }
    }

    /// <inheritdoc />
    public override OptimizerOptions BaseOptions
    {
        get => options;
        set => Options = value as TOptions ?? throw new ArgumentException(
            $"options of type {value?.GetType().Name ?? "null"} do not fit a group of {typeof(TOptions).Name}", nameof(value));
    }

    /// <inheritdoc />
    public override double LearningRate
    {
        get => options.LearningRate;
        set => options = options with { LearningRate = value };
    }

    /// <summary>State of each parameter (same index as <see cref="ParameterGroup.Parameters"/>), null until its first step.</summary>
    internal ParameterState?[] States { get; }
}
