using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Lab;

/// <summary>
/// A self-contained catalog for the lab's tests: plain SGD (lr, momentum in PyTorch's form) and a constant
/// "schedule" that halves nothing. It keeps the lab tests independent of the engine's optimizer registry.
/// </summary>
internal sealed class FakeCatalog : IOptimizerCatalog
{
    public IReadOnlyList<string> OptimizerNames { get; } = ["sgd", "adam"];

    public IReadOnlyList<string> ScheduleNames { get; } = ["constant"];

    public Optimizer CreateOptimizer(string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters, IReadOnlyList<Parameter> parameters)
    {
        var lr = 0.001;
        var momentum = 0.0;
        foreach (var (k, v) in hyperparameters)
        {
            switch (k)
            {
                case "lr":
                    lr = v.Number!.Value;
                    break;
                case "momentum":
                    momentum = v.Number!.Value;
                    break;
                case "nesterov" when v.Boolean == true && momentum == 0:
                    throw new ArgumentException("nesterov needs momentum > 0", "nesterov");
                case "betas" or "eps" or "nesterov" or "weight_decay":
                    break;
                default:
                    throw new ArgumentException($"unknown hyperparameter '{k}' for {name}", k);
            }
        }

        return new TestSgd(parameters, new TestSgdOptions { LearningRate = lr, Momentum = momentum });
    }

    public Descent.Schedulers.LearningRateScheduler? CreateSchedule(ScheduleSpec schedule, Optimizer optimizer, int totalSteps) => null;
}

internal sealed record TestSgdOptions : OptimizerOptions
{
    public double Momentum { get; init; }
}

internal sealed class TestSgdState : ParameterState
{
    public Tensor? Buffer { get; set; }

    public override IEnumerable<KeyValuePair<string, Tensor>> Tensors =>
        Buffer is null ? [] : [new("momentum_buffer", Buffer)];
}

/// <summary>p ← p − lr·buf, buf = μ·buf + g (PyTorch's SGD without dampening).</summary>
internal sealed class TestSgd(IReadOnlyList<Parameter> parameters, TestSgdOptions options)
    : Optimizer<TestSgdOptions, TestSgdState>(parameters, options)
{
    public override string Name => "SGD";

    public override TestSgdState CreateState(Parameter parameter, TestSgdOptions options) => new();

    protected override void Update(Parameter parameter, Tensor grad, TestSgdState state, TestSgdOptions options)
    {
        var p = parameter.Span;
        var g = grad.Span;
        if (options.Momentum == 0)
        {
            for (var i = 0; i < p.Length; i++)
            {
                p[i] -= (float)(options.LearningRate * g[i]);
            }

            return;
        }

        if (state.Buffer is null)
        {
            state.Buffer = grad.Clone();
        }
        else
        {
            var b0 = state.Buffer.Span;
            for (var i = 0; i < b0.Length; i++)
            {
                b0[i] = (float)((options.Momentum * b0[i]) + g[i]);
            }
        }

        var b = state.Buffer.Span;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] -= (float)(options.LearningRate * b[i]);
        }
    }
}
