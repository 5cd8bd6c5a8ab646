using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Infrastructure;

/// <summary>Options of the test-only <see cref="PlainSgd"/>.</summary>
public sealed record PlainSgdOptions : OptimizerOptions
{
    public double Momentum
    {
        get;
        init => field = value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(Momentum), value, "in [0, 1)");
    }
}

/// <summary>State of <see cref="PlainSgd"/>: PyTorch's momentum_buffer.</summary>
public sealed class PlainSgdState(Tensor buffer) : ParameterState
{
    public Tensor MomentumBuffer { get; } = buffer;

    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors => [new("momentum_buffer", MomentumBuffer)];
}

/// <summary>A tiny test-only SGD with heavy-ball momentum (PyTorch form, buffer starts at g): lets the
/// scheduler and state tests run on any optimizer subclass without depending on the library's Sgd.</summary>
public sealed class PlainSgd : Optimizer<PlainSgdOptions, PlainSgdState>
{
    public PlainSgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0)
        : base(parameters, new PlainSgdOptions { LearningRate = lr, Momentum = momentum })
    {
    }

    public override string Name => "PlainSgd";

    public override PlainSgdState CreateState(Parameter parameter, PlainSgdOptions options) => new(new Tensor(parameter.Shape));

    protected override void Update(Parameter parameter, Tensor grad, PlainSgdState state, PlainSgdOptions options)
    {
        var p = parameter.Span;
        var g = grad.Span;
        var b = state.MomentumBuffer.Span;
        var lr = (float)options.LearningRate;
        var mu = (float)options.Momentum;
        for (var i = 0; i < p.Length; i++)
        {
            var d = g[i];
            if (mu != 0)
            {
                b[i] = state.Step == 1 ? d : (mu * b[i]) + d;
                d = b[i];
            }

            p[i] -= lr * d;
        }
    }
}

/// <summary>Options with β₁ instead of momentum (the Adam family's shape), for momentum-cycling tests.</summary>
public sealed record BetaOptions : OptimizerOptions
{
    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;
}

/// <summary>Options with no momentum at all.</summary>
public sealed record BareOptions : OptimizerOptions;

/// <summary>A do-nothing optimizer over any options type (tests of schedules only).</summary>
public sealed class NullOptimizer<TOptions>(IEnumerable<Parameter> parameters, TOptions options)
    : Optimizer<TOptions, PlainSgdState>(parameters, options)
    where TOptions : OptimizerOptions
{
    public override string Name => "Null";

    public override PlainSgdState CreateState(Parameter parameter, TOptions options) => new(new Tensor(parameter.Shape));

    protected override void Update(Parameter parameter, Tensor grad, PlainSgdState state, TOptions options)
    {
    }
}
