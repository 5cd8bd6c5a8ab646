using Descent.Nn;

namespace Descent.Tests.Nn;

public class ActivationModuleTests
{
    private static readonly float[] Values = [-2f, -0.5f, 0f, 0.5f, 3f];

    [Fact]
    public void ModulesApplyTheirFunctions()
    {
        var x = Tensor.FromArray(Values);
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], new Relu().Forward(x).ToArray());
        AssertClose(Values.Select(v => Math.Tanh(v)), new Descent.Nn.Tanh().Forward(x).ToArray());
        AssertClose(Values.Select(v => 1 / (1 + Math.Exp(-v))), new Sigmoid().Forward(x).ToArray());
        AssertClose(Values.Select(v => Autodiff.Reference.Gelu(v)), new Gelu().Forward(x).ToArray());
        Assert.Same(x, new Identity().Forward(x));
    }

    [Fact]
    public void GeluMatchesExactValues()
    {
        // x·Φ(x) evaluated in double with math.erf (what torch.nn.functional.gelu computes, approximate='none')
        var y = Tensor.FromArray([-3f, -1f, 0.5f, 1f, 2f]).Gelu().ToArray();
        AssertClose([-0.00404969409489031, -0.15865525393145707, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416], y);
    }

    [Fact]
    public void ActivationsHaveNoParameters()
    {
        Module[] modules = [new Relu(), new Descent.Nn.Tanh(), new Sigmoid(), new Gelu(), new Identity()];
        Assert.All(modules, m => Assert.Empty(m.NamedParameters()));
    }

    private static void AssertClose(IEnumerable<double> expected, float[] actual)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (var i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - e[i]) <= 1e-6 + (1e-6 * Math.Abs(e[i])), $"[{i}] {actual[i]} vs {e[i]}");
        }
    }
}
