using Descent.Nn.Losses;
using Descent.Tests.Autodiff;

namespace Descent.Tests.Nn.Losses;

public class BceWithLogitsLossTests
{
    private static double Reference(double x, double t) => -((t * Math.Log(1 / (1 + Math.Exp(-x)))) + ((1 - t) * Math.Log(1 - (1 / (1 + Math.Exp(-x))))));

    [Fact]
    public void ValueMatchesHandComputation()
    {
        var x = Tensor.FromArray([0f, 2f, -1f]);
        var t = Tensor.FromArray([1f, 0f, 1f]);

        // log 2; 2 + log(1 + e⁻²); 1 + log(1 + e⁻¹)
        var expected = (Math.Log(2) + 2 + Math.Log(1 + Math.Exp(-2)) + 1 + Math.Log(1 + Math.Exp(-1))) / 3;
        Assert.Equal(expected, new BceWithLogitsLoss().Forward(x, t).Item(), 6);
        Assert.Equal((Reference(0, 1) + Reference(2, 0) + Reference(-1, 1)) / 3, expected, 12);
    }

    [Fact]
    public void IsStableForLargeLogits()
    {
        var loss = new BceWithLogitsLoss().Forward(Tensor.FromArray([100f, -100f, 100f]), Tensor.FromArray([1f, 0f, 0f])).Item();
        Assert.Equal(100f / 3f, loss, 4);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = new Rng(9);
        var x = GradCheck.Input(rng, -3, 3, 3, 4);
        var t = GradCheck.Input(rng, 0, 1, 3, 4);
        var result = GradCheck.Run(v => new BceWithLogitsLoss().Forward(v[0], v[1]),
            v => [v[0].Zip(v[1], Reference).Average()],
            [x, t]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new BceWithLogitsLoss().Forward(new Tensor(3), new Tensor(3, 1)));
        Assert.Contains("[3, 1]", ex.Message, StringComparison.Ordinal);
    }
}
