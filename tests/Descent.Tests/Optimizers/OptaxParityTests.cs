using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Every case of <c>optax.json</c>, driven by the file alone: the optimizer comes from the case's
/// <c>optax_call</c> and <c>hyperparams</c>, and each step's parameters must agree with Optax's within
/// rtol 1e-5 / atol 1e-6, on each kernel path.
/// </summary>
[Trait("Category", "Parity")]
public sealed class OptaxParityTests
{
    private const double Rtol = 1e-5;
    private const double Atol = 1e-6;

    public static TheoryData<string, KernelPath> Cases()
    {
        var data = new TheoryData<string, KernelPath>();
        foreach (var c in OptaxGolden.Cases)
        {
            foreach (var path in new[] { KernelPath.Reference, KernelPath.Simd, KernelPath.Auto })
            {
                data.Add(c.Name, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOptax(string caseName, KernelPath path)
    {
        var c = OptaxGolden.Get(caseName);
        var ps = c.Shapes.Select((s, k) => new Parameter(Tensor.FromArray(c.ParamsInit[k], s))).ToArray();
        var opt = OptaxFactory.Create(c.OptaxCall, c.Hyperparams, ps);
        opt.KernelPath = path;
        var worst = 0.0;
        for (var step = 0; step < c.Grads.Length; step++)
        {
            for (var k = 0; k < ps.Length; k++)
            {
                var g = c.Grads[step][k];
                ps[k].Grad = g is null ? null : Tensor.FromArray(g, c.Shapes[k]);
            }

            opt.Step();
            for (var k = 0; k < ps.Length; k++)
            {
                var expected = c.Params[step][k];
                var actual = ps[k].Span;
                Assert.Equal(expected.Length, actual.Length);
                for (var i = 0; i < expected.Length; i++)
                {
                    var diff = Math.Abs((double)actual[i] - expected[i]);
                    var budget = Atol + (Rtol * Math.Abs((double)expected[i]));
                    worst = Math.Max(worst, diff / budget);
                    Assert.True(
                        diff <= budget || (float.IsNaN(actual[i]) && float.IsNaN(expected[i])),
                        $"{caseName} [{path}] step {step} param {k} [{i}]: expected {expected[i]:R}, got {actual[i]:R} (|diff| {diff:E3} > {budget:E3})");
                }
            }
        }

        Console.WriteLine($"{caseName} [{path}]: worst |diff| / budget = {worst:F3}");
    }
}
