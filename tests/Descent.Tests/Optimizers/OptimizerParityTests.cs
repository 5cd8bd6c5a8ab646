using System.Globalization;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Every case of optimizers.json, driven by the file alone: the optimizer by its torch class name, the
/// hyperparameters by their PyTorch names (through <see cref="OptimizerRegistry"/>), shapes, initial values
/// and gradients (null = no gradient that step) from the file. Parameters after every step and the final
/// state (PyTorch keys) must match within rtol 1e-5 / atol 1e-6, on both kernel paths.
/// </summary>
[Trait("Category", "Parity")]
public sealed class OptimizerParityTests(ITestOutputHelper output)
{
    private const string FileName = "optimizers.json";

    public static TheoryData<string, KernelPath> Cases() => OptimizerGoldenFile.Rows(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchTrajectory(string caseName, KernelPath path)
    {
        var c = OptimizerGoldenFile.Load(FileName).Single(x => x.Name == caseName);
        var parameters = c.ParamsInit.Select((init, k) => new Parameter(Tensor.FromArray(init, c.Shapes[k]))).ToArray();
        var optimizer = OptimizerRegistry.Create(c.Optimizer, parameters, c.Hyperparameters);
        optimizer.KernelPath = path;
        var tol = new Closeness(1e-5, 1e-6);

        for (var s = 0; s < c.Grads.Length; s++)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                var g = c.Grads[s][k];
                parameters[k].Grad = g is null ? null : Tensor.FromArray(g, c.Shapes[k]);
            }

            optimizer.Step();
            for (var k = 0; k < parameters.Length; k++)
            {
                tol.Check(parameters[k].Span, c.Params[s][k], $"{caseName} step {s} param {k}");
            }
        }

        if (c.StateFinal is not null)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                CheckState(optimizer.GetState(parameters[k]), c.StateFinal[k], tol, $"{caseName} state of param {k}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{caseName} [{path}]: max budget used {tol.MaxBudgetUsed:P1} at {tol.Worst}"));
    }

    private static void CheckState(ParameterState? state, IReadOnlyDictionary<string, double[]> expected, Closeness tol, string what)
    {
        if (state is null)
        {
            Assert.True(expected.Count == 0, $"{what}: no state, expected keys {string.Join(", ", expected.Keys)}");
            return;
        }

        var tensors = state.Tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var expectedTensorKeys = expected.Keys.Where(k => k != "step").Order(StringComparer.Ordinal);
        Assert.Equal(expectedTensorKeys, tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, values) in expected)
        {
            if (key == "step")
            {
                Assert.Equal(values[0], state.Step);
            }
            else
            {
                tol.Check(tensors[key].Span, values, $"{what} '{key}'");
            }
        }
    }
}
