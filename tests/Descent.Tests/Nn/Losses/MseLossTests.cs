using Descent.Nn.Losses;
using Descent.Tests.Autodiff;

namespace Descent.Tests.Nn.Losses;

public class MseLossTests
{
    [Fact]
    public void ValuesMatchHandComputation()
    {
        var input = Tensor.FromArray([1f, 2f, 3f]);
        var target = Tensor.FromArray([1.5f, 2f, 0f]);

        // (−0.5)² + 0² + 3² = 9.25
        Assert.Equal(9.25f / 3f, new MseLoss().Forward(input, target).Item(), 6);
        Assert.Equal(9.25f, new MseLoss(Reduction.Sum).Forward(input, target).Item(), 6);
        Assert.Equal(0, new MseLoss().Forward(input, target).Rank);
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void GradientsMatchFiniteDifferences(Reduction reduction)
    {
        var rng = new Rng(11);
        var input = GradCheck.Input(rng, -2, 2, 4, 3);
        var target = GradCheck.Input(rng, -2, 2, 4, 3);
        var loss = new MseLoss(reduction);
        var result = GradCheck.Run(t => loss.Forward(t[0], t[1]),
            v =>
            {
                var s = v[0].Zip(v[1], (a, b) => (a - b) * (a - b)).Sum();
                return [reduction == Reduction.Mean ? s / v[0].Length : s];
            },
            [input, target]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new MseLoss().Forward(new Tensor(4, 1), new Tensor(4)));
        Assert.Contains("MseLoss", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }
}
